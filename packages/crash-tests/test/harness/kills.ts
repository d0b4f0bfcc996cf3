// When and how the crash tests kill their runner processes. The only randomness is in the kill
// timing; it comes from a seeded PRNG, so a failing case can be re-run with CRASH_SEED=<seed>.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { STEP_TIMEOUT_MS, type Message, type RunnerProcess } from './child-process.js';
import { mulberry32 } from '@endure/common';

/** The shared seedable generator (re-exported under this harness's name). */
export const prng = mulberry32;

/** CRASH_SEED, or a fresh random seed; either way printed (`name` leads the line) for a re-run. */
export function killSeed(t: TestContext, name: string, scratchPath: string): { seed: number; random: () => number } {
  const seed = process.env['CRASH_SEED'] ? Number(process.env['CRASH_SEED']) : Math.floor(Math.random() * 2 ** 31);
  t.diagnostic(`seed ${seed} (re-run with CRASH_SEED=${seed})`);
  console.log(`${name} seed: ${seed} (re-run with CRASH_SEED=${seed}), temp dir ${scratchPath}`);
  return { seed, random: prng(seed) };
}

/** A kill delay drawn uniformly from [minMs, maxMs], in whole ms. */
export function randomDelay(random: () => number, minMs: number, maxMs: number): number {
  return Math.round(minMs + random() * (maxMs - minMs));
}

/** Lets `p` run for `ms`, or less if it exits first (which killRunning then reports). */
export async function runFor(p: RunnerProcess, ms: number): Promise<void> {
  const cancelWait = new AbortController();
  await Promise.race([delay(ms, undefined, { signal: cancelWait.signal }).catch(() => undefined), p.exited]);
  cancelWait.abort();
}

/** SIGKILLs `p`, which must still be running, and checks that the kill is what ended it. */
export async function killRunning(p: RunnerProcess): Promise<void> {
  assert.equal(p.exitInfo, undefined, `${p.title} died on its own before it was killed:\n${p.describe()}`);
  const exit = await p.kill();
  assert.equal(exit.signal, 'SIGKILL', `${p.title} should have died of SIGKILL:\n${p.describe()}`);
}

/** A process that said 'idle' had nothing left to do: that kill cut through nothing. */
export function assertNotIdle(p: RunnerProcess): void {
  assert.ok(!p.messages.some((m) => m.type === 'idle'), `${p.title} ran out of work before it was killed: the work must outlast the kills`);
}

/** The final launch's 'results' message, once the launch has also exited cleanly. `who` names it in the failure. */
export async function finalResults(p: RunnerProcess, who: string): Promise<Message> {
  const results = await p.waitFor('results');
  const timeout = new AbortController();
  const exit = await Promise.race([p.exited, delay(STEP_TIMEOUT_MS, undefined, { signal: timeout.signal }).catch(() => undefined)]);
  timeout.abort();
  assert.deepEqual(exit, { code: 0, signal: null }, `${who} should exit cleanly:\n${p.describe()}`);
  return results;
}

/**
 * Whether the kill of `killed` (the next process spawned by `next`) cut through a step, judged by
 * event times: the step began at or before the kill and its next step was recorded only once the
 * next process ran.
 */
export function cutByKill(killed: RunnerProcess, next: RunnerProcess | undefined): (began: number | undefined, nextStep: number | undefined) => boolean {
  const k = killed.killedAt;
  const s = next?.spawnedAt;
  return (began, nextStep) => k !== undefined && s !== undefined && began !== undefined && nextStep !== undefined && began <= k && nextStep >= s;
}
