#!/usr/bin/env node
// `node scripts/transpile.mjs`: compiles the product's sources (not the tests) into dist/ with swc,
// without type checking, in about a second. `npm run demo` uses it: type checking the tree
// (`npm run build`, `npm run typecheck`, `npm test`) takes tsc 20 s to over a minute on 2 cores,
// most of it reading the AWS SDK's type declarations, and a new user's first run should not wait
// for it. The output matches tsconfig.json's (ES2022, CommonJS, esModuleInterop), so tsc's later
// build of the same files replaces it without any difference in behaviour.
import swc from '@swc/core';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_FOLDERS = ['common', 'activities', 'workflows', 'worker', 'client', 'emulator', 'scripts'];

async function sources(folder) {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

async function transpile(file) {
  const { code } = await swc.transformFile(file, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  const out = path.join(root, 'dist', path.relative(root, file)).replace(/\.ts$/, '.js');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, code);
}

async function main() {
  const files = (await Promise.all(SOURCE_FOLDERS.map((f) => sources(path.join(root, f))))).flat();
  await Promise.all(files.map(transpile));
}

main().catch((err) => {
  console.error(`transpile: ${err.message}`);
  process.exit(1);
});
