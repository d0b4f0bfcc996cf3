/**
 * A method or property of Temporal's API that Endure does not implement was used: it throws this,
 * naming itself and what to do instead, rather than `undefined is not a function`.
 */
export class UnsupportedOperationError extends Error {
  override name = 'UnsupportedOperationError';
  constructor(
    /** The call as a user writes it, e.g. `client.schedule.create`. */
    readonly operation: string,
    why: string,
  ) {
    super(`${operation} is not supported by Endure: ${why}`);
  }
}
