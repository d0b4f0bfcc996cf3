// Activities of the messages crash test. Every execution appends a 'start' line before it works
// and an 'end' line when done (appendFileSync: a SIGKILL right after cannot lose the line).
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { activityInfo } from '@endure/activity';
import { ACTIVITY_MS, cartTotal, holdName, pricedItem, releasedName, stepValue, type ActivityName, type LogLine } from './shared.js';

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
    async priceItem(item: string): Promise<string> {
      return logged('priceItem', () => pricedItem(item));
    },
    async chargeCart(n: number, priced: string[]): Promise<string> {
      return logged('chargeCart', () => cartTotal(n, priced));
    },
    async applyStep(n: number, k: number): Promise<string> {
      return logged('applyStep', () => stepValue(n, k));
    },
    async holdSeats(n: number, seats: string[]): Promise<string> {
      return logged('holdSeats', () => holdName(n, seats));
    },
    async releaseSeats(_n: number, hold: string): Promise<string> {
      return logged('releaseSeats', () => releasedName(hold));
    },
  };
}

export type MessageActivities = ReturnType<typeof createActivities>;
