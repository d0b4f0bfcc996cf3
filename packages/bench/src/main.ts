// `npm run bench [-- w1 w3 ...]`: runs each scenario in a child process and prints one JSON
// document to stdout (progress goes to stderr).
import { fork } from 'node:child_process';
import { cpus, platform, release, totalmem, arch } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SCENARIO_NAMES, SCENARIO_TIMEOUTS_MS } from './scenarios.js';
import { log, round, type ScenarioResult } from './harness.js';
import type { ChildMessage } from './child.js';

/** A scenario that has not reported by then is killed and reported as failed. */
const SCENARIO_TIMEOUT_MS = 150_000;
/** After reporting, a child must exit by itself within this (open handles = a cleanup bug). */
const EXIT_GRACE_MS = 15_000;

interface Outcome {
  ok: boolean;
  error?: string;
  seconds?: number;
  exitedByItself: boolean;
  exitCode: number | null;
  result?: ScenarioResult;
}

function runChild(name: string): Promise<Outcome> {
  const extra = (process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
  const child = fork(fileURLToPath(new URL('./child.js', import.meta.url)), [name], {
    execArgv: ['--expose-gc', ...extra],
    stdio: ['ignore', 2, 2, 'ipc'], // the child's stdout joins our stderr: stdout stays pure JSON
  });
  return new Promise((resolve) => {
    let msg: ChildMessage | undefined;
    let killedAfterReport = false;
    let grace: NodeJS.Timeout | undefined;
    const hardTimeout = setTimeout(() => child.kill('SIGKILL'), SCENARIO_TIMEOUTS_MS[name] ?? SCENARIO_TIMEOUT_MS);
    child.on('message', (m) => {
      msg = m as ChildMessage;
      clearTimeout(hardTimeout);
      grace = setTimeout(() => {
        killedAfterReport = true;
        log(`${name}: did not exit within ${EXIT_GRACE_MS} ms of reporting (open handles?); killing it`);
        child.kill('SIGKILL');
      }, EXIT_GRACE_MS);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(hardTimeout);
      clearTimeout(grace);
      const exitedByItself = !killedAfterReport && signal === null;
      if (!msg) return resolve({ ok: false, error: `child exited (code ${code}, signal ${signal}) without a result`, exitedByItself, exitCode: code });
      if (!msg.ok) return resolve({ ok: false, error: msg.error, seconds: msg.seconds, exitedByItself, exitCode: code });
      resolve({ ok: true, seconds: round(msg.seconds), exitedByItself, exitCode: code, result: msg.result as ScenarioResult });
    });
  });
}

const requested = process.argv.slice(2);
const unknown = requested.filter((n) => !SCENARIO_NAMES.includes(n));
if (unknown.length) {
  log(`unknown scenario(s): ${unknown.join(', ')}; choose from ${SCENARIO_NAMES.join(', ')}`);
  process.exit(2);
}
const names = requested.length ? requested : SCENARIO_NAMES;
const started = Date.now();
const scenarios: Record<string, Outcome> = {};
for (const name of names) {
  log(`=== ${name} ===`);
  scenarios[name] = await runChild(name);
  log(`=== ${name}: ${scenarios[name].ok ? 'done' : `FAILED (${scenarios[name].error})`} ===`);
}

const cpuList = cpus();
const targets = Object.entries(scenarios).flatMap(([name, o]) => (o.result?.targets ?? []).map((t) => ({ scenario: name, ...t })));
const doc = {
  benchmark: 'endure embedded default (sqlite file, WAL, synchronous=FULL, group commit)',
  startedAt: new Date(started).toISOString(),
  totalSeconds: round((Date.now() - started) / 1000),
  machine: {
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cpuCount: cpuList.length,
    totalMemoryGB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  },
  scenarios,
  summary: {
    allScenariosRan: Object.values(scenarios).every((o) => o.ok),
    allExitedByThemselves: Object.values(scenarios).every((o) => o.exitedByItself),
    targetsPassed: targets.filter((t) => t.pass).map((t) => `${t.scenario}: ${t.metric}`),
    targetsFailed: targets.filter((t) => !t.pass).map((t) => `${t.scenario}: ${t.metric} (${t.value} ${t.unit}, target ${t.op} ${t.target})`),
  },
};
process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
process.exitCode = Object.values(scenarios).every((o) => o.ok) ? 0 : 1;
