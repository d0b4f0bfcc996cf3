// Activities of the crash test. Each execution logs its start and end (see common/logged-activity.ts).
import { runLogged } from './common/logged-activity.js';
import { activityMs, FLAKY_SUCCEEDS_ON } from './shared.js';

function workflowNumber(workflowId: string): number {
  return Number(workflowId.slice(workflowId.lastIndexOf('-') + 1));
}

/** The activities, logging to `logPath`. */
export function createActivities(logPath: string) {
  /** Step `step` of the workflow works for activityMs(n, step). */
  const logged = <T>(step: number, body: (attempt: number) => T) => runLogged(logPath, (info) => activityMs(workflowNumber(info.workflowExecution.workflowId), step), body);

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
