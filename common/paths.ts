// Where the project's installed tools live (scripts/install-tools.sh puts them there).
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export function toolsDir(): string {
  return process.env.TEMPORAL_DRS_TOOLS ?? path.join(repoRoot(), '.tools');
}

function tool(name: string): string {
  const file = path.join(toolsDir(), 'bin', name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run 'npm run install-tools' (scripts/install-tools.sh) first`);
  }
  return file;
}

/** The Temporal CLI (dev server + Web UI), built by scripts/install-tools.sh. */
export const temporalCliPath = (): string => tool('temporal');
/** Wrapper around the Java time-skipping test server: `<port> [--enable-time-skipping]`. */
export const testServerPath = (): string => tool('temporal-test-server');

/** Where the local stack keeps what it writes (the default evidence store): git-ignored `.data/`. */
export function dataDir(): string {
  return process.env.TEMPORAL_DRS_DATA ?? path.join(repoRoot(), '.data');
}
