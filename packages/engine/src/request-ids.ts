// Idempotency keys. A request that changes a run (a signal, a cancel, a terminate, a task's
// outcome) may carry a requestId; the run remembers the ids it applied, in its durable state and
// in the same atomic write as the change, so a request resent after an ambiguous failure (the
// connection dropped after the server committed) is answered as the first was, not applied again.
import type { Run } from './run.js';

/** How long an applied id is remembered: longer than clients (60 s) and workers keep resending. */
export const REQUEST_ID_RETENTION_MS = 60 * 60_000;
/** At most this many per run (the oldest go first), so a busy run's state stays small. */
export const MAX_REQUEST_IDS_PER_RUN = 256;

/** True if the run already applied a request with this id (a resend). */
export function alreadyApplied(run: Run, requestId: string | undefined): boolean {
  return requestId !== undefined && run.state.requests?.[requestId] !== undefined;
}

/** Records that the change being made now applies `requestId`; call it before `core.apply`. */
export function rememberRequest(run: Run, requestId: string | undefined, now: number): void {
  if (requestId === undefined) return;
  const requests = (run.state.requests ??= {});
  requests[requestId] = now;
  const expired = now - REQUEST_ID_RETENTION_MS;
  for (const [id, at] of Object.entries(requests)) if (at < expired) delete requests[id];
  const left = Object.entries(requests);
  if (left.length <= MAX_REQUEST_IDS_PER_RUN) return;
  left.sort((a, b) => a[1] - b[1]);
  for (const [id] of left.slice(0, left.length - MAX_REQUEST_IDS_PER_RUN)) delete requests[id];
}
