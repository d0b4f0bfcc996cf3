#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist/test/**/*.test.js, examples too) with node's
// test runner. Arguments filter by substring: `node scripts/run-tests.mjs store-sqlite`.
import { readdirSync, readFileSync, statSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
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
const counts = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {}; // the run died before its reporter finished: its status says it failed
  }
};
const summaryDir = mkdtempSync(join(tmpdir(), 'endure-tests-'));
let passes = 0;
const run = (files, env) => {
  const summary = join(summaryDir, `pass-${++passes}.json`);
  const status =
    spawnSync(
      process.execPath,
      [
        '--test',
        '--test-concurrency=2',
        '--test-timeout=600000',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        `--test-reporter=${fileURLToPath(new URL('./summary-reporter.mjs', import.meta.url))}`,
        `--test-reporter-destination=${summary}`,
        ...files,
      ],
      { stdio: 'inherit', env: { ...process.env, ...env } },
    ).status ?? 1;
  return { status, ...counts(summary) };
};

const passesRun = [['in process', run(chosen, {})]];
// One suite, two connection modes: the integration tests built on TestEnv run again against a
// real `endure server` process over HTTP (packages/integration/src/harness.ts).
const twoMode = chosen.filter((f) => f.includes(join('integration', 'dist', 'test')) && readFileSync(f, 'utf8').includes('TestEnv.create('));
if (twoMode.length > 0 && process.env.ENDURE_TEST_MODE !== 'embedded') {
  console.log(`\n# again over HTTP against a real server process: ${twoMode.length} files (ENDURE_TEST_MODE=server)`);
  passesRun.push(['over HTTP', run(twoMode, { ENDURE_TEST_MODE: 'server' })]);
}
// And a third time on PostgreSQL (the engine in process on a PostgresStore, each TestEnv on a
// fresh schema of the test database); ENDURE_TEST_POSTGRES_PASS=0 leaves it out.
if (twoMode.length > 0 && process.env.ENDURE_TEST_POSTGRES_PASS !== '0' && process.env.ENDURE_TEST_MODE !== 'embedded') {
  console.log(`\n# again on PostgreSQL: ${twoMode.length} files (ENDURE_TEST_MODE=postgres)`);
  passesRun.push(['on PostgreSQL', run(twoMode, { ENDURE_TEST_MODE: 'postgres' })]);
}
rmSync(summaryDir, { recursive: true, force: true });

// One line for the whole run, last, so nobody has to scroll back to the first pass's summary.
const sum = (key) => passesRun.reduce((n, [, r]) => n + (r[key] ?? 0), 0);
const failed = sum('fail') + sum('cancelled');
const broken = passesRun.filter(([, r]) => r.status !== 0 && !r.fail && !r.cancelled).map(([name]) => name);
const parts = passesRun.map(([name, r]) => `${name} ${r.pass ?? '?'}/${r.tests ?? '?'}`).join(', ');
const extra = [sum('skipped') && `${sum('skipped')} skipped`, sum('todo') && `${sum('todo')} todo`, broken.length && `pass ${broken.join(', ')} exited abnormally`].filter(Boolean);
console.log(`\n# ${sum('pass')} passed, ${failed} failed${extra.length ? `, ${extra.join(', ')}` : ''} (${parts})`);
process.exit(passesRun.some(([, r]) => r.status !== 0) ? 1 : 0);
