import { ApiError } from '../errors.js';

/** A filter error at a 1-based column, as INVALID_ARGUMENT so it reaches the caller as a 4xx. */
export function filterError(column: number, message: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', `invalid query at column ${column}: ${message}`, { column });
}
