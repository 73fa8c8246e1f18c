#!/usr/bin/env node
// Runs every *.test.ts / *.test.mjs under the given folders with Node's test
// runner and tsx. Node 20's --test takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['packages', 'models', 'e2e'];
const files = roots.flatMap((root) => {
  if (/\.test\.(ts|mjs)$/.test(root)) return [root];
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.test\.(ts|mjs)$/.test(e.name))
      .map((e) => path.join(e.parentPath ?? e.path, e.name))
      .filter((f) => !f.split(path.sep).some((part) => part === 'node_modules' || part === 'dist'));
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
});
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files.sort()], { stdio: 'inherit' });
process.exit(run.status ?? 1);
