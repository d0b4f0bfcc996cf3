import { fileURLToPath } from 'node:url';
import { DefaultLogger } from '@endure/worker';

export const workflowsPath = fileURLToPath(new URL('./workflows/timing.js', import.meta.url));

/** Keeps worker warnings (e.g. reports refused after a workflow closed) out of test output. */
export const quietLogger = new DefaultLogger('ERROR');

let seq = 0;
export function uid(prefix = 'wf'): string {
  return `${prefix}-${process.pid}-${++seq}`;
}
