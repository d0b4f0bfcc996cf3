// Activities of the child-workflow crash test. Every execution appends a 'start' line before it
// works and an 'end' line when done (appendFileSync: a SIGKILL right after cannot lose the line).
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { activityInfo } from '@endure/activity';
import { ACTIVITY_MS, abandonedValue, childValue, cleanupValue, closerValue, prepared, type ActivityName, type LogLine, type Policy } from './shared.js';

export function appendLine(logPath: string, line: LogLine): void {
  appendFileSync(logPath, `${JSON.stringify(line)}\n`);
}

/** The activities, logging to `logPath`; `speed` divides their working time. */
export function createActivities(logPath: string, speed: number) {
  async function logged<T>(name: ActivityName, body: () => T): Promise<T> {
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
    await delay(Math.round(ACTIVITY_MS[name] / speed));
    const result = body();
    appendLine(logPath, { ...base, phase: 'end', ok: true, time: Date.now() });
    return result;
  }

  return {
    async prepare(n: number): Promise<string> {
      return logged('prepare', () => prepared(n));
    },
    async childWork(n: number, k: number): Promise<string> {
      return logged('childWork', () => childValue(n, k));
    },
    async closerWork(policy: Policy, n: number): Promise<string> {
      return logged('closerWork', () => closerValue(policy, n));
    },
    async abandonedWork(n: number): Promise<string> {
      return logged('abandonedWork', () => abandonedValue(n));
    },
    async cleanup(n: number): Promise<string> {
      return logged('cleanup', () => cleanupValue(n));
    },
  };
}

export type ChildrenActivities = ReturnType<typeof createActivities>;
