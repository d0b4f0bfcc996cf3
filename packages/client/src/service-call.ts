import { ApiError } from '@endure/protocol';
import { ServiceError } from './errors.js';

/**
 * Runs an engine call that is not about one workflow (listing, namespaces, task queues): engine
 * errors become ServiceError with their code, never a workflow-specific error class.
 */
export async function serviceCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof ApiError ? new ServiceError(err.message, err.code) : err;
  }
}
