// How errors travel over HTTP: `{ error: { code, message, details? } }` with a matching status.
import { z } from 'zod';
import { ApiError, ApiErrorCode } from '@endure/protocol';

const STATUS: Record<ApiErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_STARTED: 409,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  QUERY_FAILED: 422,
  DATA_LOSS: 500,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export function httpStatusOf(code: ApiErrorCode): number {
  return STATUS[code];
}

/** An error of the HTTP layer itself (route, method, body), with a status of its own. */
export class HttpProblem extends ApiError {
  constructor(
    readonly status: number,
    code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }
}

export const ErrorBody = z.object({
  error: z.object({
    code: ApiErrorCode,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
  /** A bug or a failure of ours, not the caller's: worth logging. */
  internal: boolean;
}

/** Turns anything thrown while serving a request into the reply the caller gets. */
export function errorReply(err: unknown): ErrorReply {
  if (err instanceof ApiError) {
    const details = Object.keys(err.details).length ? err.details : undefined;
    return {
      status: err instanceof HttpProblem ? err.status : httpStatusOf(err.code),
      headers: err instanceof HttpProblem ? err.headers : {},
      body: { error: { code: err.code, message: err.message, ...(details ? { details } : {}) } },
      internal: err.code === 'INTERNAL',
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, headers: {}, body: { error: { code: 'INTERNAL', message: `internal server error: ${message}` } }, internal: true };
}
