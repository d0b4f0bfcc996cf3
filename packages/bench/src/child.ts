// Runs one scenario in its own process (fresh heap, GC exposed) and hands the result to main.ts
// over IPC. Run directly (`node --expose-gc dist/src/child.js w1`) it prints the result to stdout,
// which is handy for profiling one scenario with --cpu-prof.
import { SCENARIOS } from './scenarios.js';
import { log } from './harness.js';

export type ChildMessage = { ok: true; result: unknown; seconds: number } | { ok: false; error: string; seconds: number };

const name = process.argv[2] ?? '';
const load = SCENARIOS[name];
const t0 = Date.now();
let msg: ChildMessage;
try {
  if (!load) throw new Error(`unknown scenario '${name}'`);
  const result = await (await load()).run();
  msg = { ok: true, result, seconds: (Date.now() - t0) / 1000 };
} catch (err) {
  log(`${name}: FAILED: ${(err as Error)?.stack ?? String(err)}`);
  msg = { ok: false, error: (err as Error)?.message ?? String(err), seconds: (Date.now() - t0) / 1000 };
  process.exitCode = 1;
}
// No process.exit(): the scenario must have released everything, and main.ts checks the exit.
if (process.send) process.send(msg, () => process.disconnect());
else process.stdout.write(`${JSON.stringify(msg, null, 2)}\n`);
