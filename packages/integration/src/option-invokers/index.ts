// Every options table's invoker, by the table's type name: the options-table test calls the one
// of each table (a table without one fails it). One line per file of invokers.
import type { OptionInvoker } from './embedded.js';
import { workerInvokers } from './worker.js';
import { workflowInvokers } from './workflow.js';
import { testingInvokers } from './testing.js';

export type { OptionInvoker } from './embedded.js';

export const optionInvokers: Record<string, OptionInvoker> = {
  ...workerInvokers,
  ...workflowInvokers,
  ...testingInvokers,
};
