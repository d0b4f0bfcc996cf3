// The body every crash-test activity shares: log a 'start' line before doing anything, work for a
// while (so kills land mid-execution), run the activity's own code, log an 'end' line.
import { setTimeout as delay } from 'node:timers/promises';
import { activityInfo, type ActivityInfo } from '@endure/activity';
import { appendLogLine, type ActivityLine } from './log-lines.js';

/**
 * Runs the current activity execution's `body` after `workMs` of pretend work, logging its start
 * and its end (ok: false if `body` throws) to `logPath`.
 */
export async function runLogged<T>(logPath: string, workMs: number | ((info: ActivityInfo) => number), body: (attempt: number) => T): Promise<T> {
  const info = activityInfo();
  const base = {
    kind: 'activity' as const,
    workflowId: info.workflowExecution.workflowId,
    activityId: info.activityId,
    activityType: info.activityType,
    attempt: info.attempt,
    pid: process.pid,
  };
  const log = (line: ActivityLine) => appendLogLine(logPath, line);
  log({ ...base, phase: 'start', time: Date.now() });
  await delay(typeof workMs === 'number' ? workMs : workMs(info));
  let result: T;
  try {
    result = body(info.attempt);
  } catch (err) {
    log({ ...base, phase: 'end', ok: false, time: Date.now() });
    throw err;
  }
  log({ ...base, phase: 'end', ok: true, time: Date.now() });
  return result;
}

type Body = (...args: never[]) => unknown;
/** What the worker registers for each body: the same arguments, the result made async. */
export type LoggedActivities<F extends Record<string, Body>> = { [K in keyof F]: (...args: Parameters<F[K]>) => Promise<ReturnType<F[K]>> };

/**
 * Activities named as `bodies`, each logged and working `workMs[name] / speed` before its body
 * runs (the final launch passes a higher speed to hurry).
 */
export function timedActivities<F extends Record<string, Body>>(logPath: string, workMs: { readonly [K in keyof F]: number }, speed: number, bodies: F): LoggedActivities<F> {
  const entries = Object.entries(bodies).map(([name, body]) => [
    name,
    (...args: never[]) => runLogged(logPath, Math.round(workMs[name as keyof F] / speed), () => body(...args)),
  ]);
  return Object.fromEntries(entries) as LoggedActivities<F>;
}
