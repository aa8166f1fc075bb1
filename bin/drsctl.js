#!/usr/bin/env node
// drsctl, from the compiled project (`npm run build` writes dist/). DRSCTL_BUILD_DIR points at
// another compiled tree (the tests use the one they were compiled into).
const path = require('node:path');
const buildDir = path.resolve(process.env.DRSCTL_BUILD_DIR || path.join(__dirname, '..', 'dist'));
let cli;
try {
  cli = require(path.join(buildDir, 'client', 'main.js'));
} catch (err) {
  if (err.code !== 'MODULE_NOT_FOUND') throw err;
  console.error(`drsctl: ${buildDir}/client/main.js is missing: run 'npm run build' first`);
  process.exit(2);
}
cli.main().then((code) => {
  process.exitCode = code;
});
