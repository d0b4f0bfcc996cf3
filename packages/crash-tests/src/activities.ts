// Activities of the crash test. Every execution appends a 'start' line before doing anything and
// an 'end' line when it is done, with appendFileSync: once the call returns the line is in the
// kernel, so a SIGKILL right after cannot lose it.
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { activityInfo } from '@endure/activity';
import { activityMs, FLAKY_SUCCEEDS_ON, type LogLine } from './shared.js';

export function appendLine(logPath: string, line: LogLine): void {
  appendFileSync(logPath, `${JSON.stringify(line)}\n`);
}

function workflowNumber(workflowId: string): number {
  return Number(workflowId.slice(workflowId.lastIndexOf('-') + 1));
}

/** The activities, logging to `logPath`. */
export function createActivities(logPath: string) {
  async function logged<T>(step: number, body: (attempt: number) => T): Promise<T> {
    const info = activityInfo();
    const base = {
      kind: 'activity' as const,
      workflowId: info.workflowExecution.workflowId,
      activityId: info.activityId,
      activityType: info.activityType,
      attempt: info.attempt,
      pid: process.pid,
    };
    appendLine(logPath, { ...base, phase: 'start', time: Date.now() });
    await delay(activityMs(workflowNumber(base.workflowId), step));
    let result: T;
    try {
      result = body(info.attempt);
    } catch (err) {
      appendLine(logPath, { ...base, phase: 'end', ok: false, time: Date.now() });
      throw err;
    }
    appendLine(logPath, { ...base, phase: 'end', ok: true, time: Date.now() });
    return result;
  }

  return {
    async stepOne(n: number): Promise<number> {
      return logged(1, () => n * 3);
    },
    async stepTwo(x: number): Promise<number> {
      return logged(2, () => x + 1000);
    },
    async stepThree(x: number): Promise<string> {
      return logged(3, () => `v${x}`);
    },
    /** Fails on attempts 1 and 2, succeeds from attempt 3 on. */
    async flaky(s: string): Promise<string> {
      return logged(4, (attempt) => {
        if (attempt < FLAKY_SUCCEEDS_ON) throw new Error(`flaky: planned failure on attempt ${attempt}`);
        return `${s}!`;
      });
    },
  };
}

export type CrashActivities = ReturnType<typeof createActivities>;
