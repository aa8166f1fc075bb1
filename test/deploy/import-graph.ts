// Which top-level source folders a set of entry files reaches through relative imports, so the
// Dockerfile's COPY lines can be checked against what the compiled worker will require.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../common/paths';

const RELATIVE_IMPORT = /(?:from\s+|require(?:\.resolve)?\(\s*|import\(\s*)['"](\.\.?\/[^'"]+)['"]/g;

function resolveSource(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => f.endsWith('.ts') && existsSync(f));
}

export function sourceFoldersReachedFrom(entries: string[]): string[] {
  const root = repoRoot();
  const seen = new Set<string>();
  const queue = entries.map((e) => path.join(root, e));
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const target = resolveSource(file, match[1]);
      if (target) queue.push(target);
    }
  }
  const folders = [...seen].map((f) => path.relative(root, f).split(path.sep)[0]);
  return [...new Set(folders)].sort();
}
