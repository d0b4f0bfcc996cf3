// The execution log every crash test's runner processes and activities append to, one JSON object
// per line. appendFileSync: once the call returns the line is in the kernel, so a SIGKILL right
// after cannot lose it. The shared.ts files, bundled into the workflow sandbox, import only the
// line types.
import { appendFileSync } from 'node:fs';

/** A runner process began (logged first thing, so the test can tell the processes apart and in order). */
export type LaunchLine = { kind: 'launch'; pid: number; time: number; start: boolean; final: boolean };
/** The engine acknowledged a workflow start. */
export type WorkflowStartLine = { kind: 'wf-start'; workflowId: string; runId: string; pid: number; time: number };
/** One activity execution began ('start') or finished ('end'). */
export type ActivityLine = {
  kind: 'activity';
  phase: 'start' | 'end';
  workflowId: string;
  activityId: string;
  activityType: string;
  attempt: number;
  pid: number;
  time: number;
  /** On 'end': whether this execution returned (true) or threw (false). */
  ok?: boolean;
};
/** The lines every crash test's log holds; a test's own LogLine adds its kinds to these. */
export type RunnerLogLine = LaunchLine | WorkflowStartLine | ActivityLine;

export function appendLogLine(logPath: string, line: { kind: string }): void {
  appendFileSync(logPath, `${JSON.stringify(line)}\n`);
}
