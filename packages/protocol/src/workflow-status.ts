// Where a run stands; its own module so both api.ts and visibility.ts can build on it.
import { z } from 'zod';

export const WorkflowStatus = z.enum([
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'TIMED_OUT',
  'CONTINUED_AS_NEW',
]);
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;
