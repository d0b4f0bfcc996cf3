#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist/test/**/*.test.js, examples too) with node's
// test runner. Arguments filter by substring: `node scripts/run-tests.mjs store-sqlite`.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [];
for (const root of ['packages', 'examples']) {
  if (!existsSync(root)) continue;
  for (const pkg of readdirSync(root)) walk(join(root, pkg, 'dist', 'test'), files);
}
const chosen = files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (chosen.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
const run = (files, env) =>
  spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  }).status ?? 1;

const embedded = run(chosen, {});
// One suite, two connection modes: the integration tests built on TestEnv run again against a
// real `endure server` process over HTTP (packages/integration/src/harness.ts).
const twoMode = chosen.filter((f) => f.includes(join('integration', 'dist', 'test')) && readFileSync(f, 'utf8').includes('TestEnv.create('));
let server = 0;
if (twoMode.length > 0 && process.env.ENDURE_TEST_MODE !== 'embedded') {
  console.log(`\n# again over HTTP against a real server process: ${twoMode.length} files (ENDURE_TEST_MODE=server)`);
  server = run(twoMode, { ENDURE_TEST_MODE: 'server' });
}
process.exit(embedded || server);
