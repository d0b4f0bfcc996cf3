// Activities of the server crash tests. Each execution appends a line to ENDURE_CRASH_LOG (when
// set), so the test can see which worker process ran what.
import { appendFileSync } from 'node:fs';
import { activityInfo } from '@endure/activity';

function logExecution(): void {
  const path = process.env['ENDURE_CRASH_LOG'];
  if (!path) return;
  const i = activityInfo();
  appendFileSync(path, `${JSON.stringify({ pid: process.pid, workflowId: i.workflowExecution.workflowId, activityType: i.activityType, attempt: i.attempt })}\n`);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const serverLoadActivities = {
  async double(n: number): Promise<number> {
    logExecution();
    await pause(20 + (n % 5) * 20);
    return n * 2;
  },
  async describeNumber(d: number): Promise<string> {
    logExecution();
    await pause(20 + (d % 7) * 10);
    return `number ${d}`;
  },
};
export type ServerLoadActivities = typeof serverLoadActivities;
