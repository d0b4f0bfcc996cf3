import { z } from 'zod';

/**
 * Errors the engine API reports, by a stable `code` so they survive the wire.
 * Transports rebuild them on the caller's side with the same code and message.
 */
export const ApiErrorCode = z.enum([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_STARTED',
  /** Creating something (a namespace) that exists already. */
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  'PAYLOAD_TOO_LARGE',
  'QUERY_FAILED',
  'DEADLINE_EXCEEDED',
  /** No or wrong API key (server mode). */
  'UNAUTHENTICATED',
  /** The API key is valid but not allowed this operation, or not in this namespace (server mode). */
  'PERMISSION_DENIED',
  'UNAVAILABLE',
  /** Stored data is damaged (a checksum failed, a history has a gap): refused, never served. */
  'DATA_LOSS',
  'INTERNAL',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Validates `value` against a zod schema, turning problems into an INVALID_ARGUMENT naming each field. */
export function parseRequest<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } } },
  value: unknown,
  what: string,
): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(request)'}: ${i.message}`);
  throw new ApiError('INVALID_ARGUMENT', `invalid ${what}: ${problems.join('; ')}`, { problems });
}

/** A remote engine could not be reached (the transport marks these); worth retrying later. */
export function isRetryableUnavailable(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 'UNAVAILABLE' && err.details['retryable'] === true;
}

/**
 * Runs `call`, retrying with back-off (100 ms doubling to 2 s) while the engine is unreachable,
 * for up to `forMs` counted from the first failure (a long-poll that waited most of a minute and
 * then lost its server still gets the whole outage allowance); then (or on any other error) rethrows.
 */
export async function retryWhileUnavailable<T>(call: () => Promise<T>, forMs = 60_000): Promise<T> {
  let end: number | undefined;
  let delay = 100;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      end ??= Date.now() + forMs;
      if (!isRetryableUnavailable(err) || Date.now() + delay > end) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(2_000, delay * 2);
    }
  }
}
