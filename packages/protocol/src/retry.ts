import { z } from 'zod';

/** Retry policy in milliseconds; absent fields take Temporal's defaults (see common/retry). */
export const RetryPolicy = z.object({
  initialIntervalMs: z.number().positive().optional(),
  backoffCoefficient: z.number().min(1).optional(),
  maximumIntervalMs: z.number().positive().optional(),
  maximumAttempts: z.number().int().min(0).optional(),
  nonRetryableErrorTypes: z.array(z.string()).optional(),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;
