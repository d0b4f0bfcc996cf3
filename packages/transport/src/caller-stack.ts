/**
 * For an error whose message says all a user needs (a database another process holds): its stack
 * is cut to begin at the caller of `api`, so that an uncaught one shows the message and the
 * user's own line, not Endure's internals around it. Call it in `api`'s catch and throw what it
 * resolves to.
 */
export async function fromCaller<E>(err: E, api: (...args: never[]) => unknown): Promise<E> {
  if (!(err instanceof Error && err.name === 'DatabaseLockedError')) return err;
  // Resumed from a macrotask, this function runs with no Node internals on the stack (resumed
  // from a microtask queue drained by Node's JS, `processTicksAndRejections` would be the top
  // frame, and Node would point at its source line).
  await new Promise((r) => setImmediate(r));
  Error.captureStackTrace(err, api);
  return err;
}
