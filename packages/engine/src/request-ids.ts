// Idempotency keys. A request that changes a run (a signal, a cancel, a terminate, a task's
// outcome) may carry a requestId, and the run remembers the ids it applied, so a request resent
// after an ambiguous failure (the connection dropped after the server committed) is answered as
// the first was, not applied again.
// - Changes a client asks for (signal, cancel, terminate) are remembered in the run's durable
//   state, in the same atomic write as the change: nothing else would stop their resend from
//   applying twice, across restarts too.
// - Task outcomes are remembered in memory only: their token already names one attempt or one
//   dispatch, which the outcome retires, so a resend can never be recorded twice; the memory only
//   lets it be answered "done" rather than "not found". Keeping these ids out of the state keeps
//   them from being rewritten at every step of a busy run.
import type { Run } from './run.js';
import type { RunState } from './run-state.js';

/** How long an applied id is remembered: longer than clients (60 s) and workers keep resending. */
export const REQUEST_ID_RETENTION_MS = 60 * 60_000;
/** At most this many per run (the oldest go first), so a busy run's state stays small. */
export const MAX_REQUEST_IDS_PER_RUN = 256;
/** Task outcomes remembered per run in memory. */
const MAX_OUTCOME_IDS_PER_RUN = 64;

type RequestIds = NonNullable<RunState['requests']>;

/**
 * The ids live in a prototype-less object (stored as a plain JSON object, as before). Without a
 * prototype an id such as 'constructor' is not found on Object.prototype, and V8 keeps the
 * object in dictionary mode: every id is a new property name, and on an ordinary object each one
 * would make a new hidden class, which made every lookup and insert a slow path.
 */
function emptyRequestIds(): RequestIds {
  return Object.create(null) as RequestIds;
}

/** The state as read from the store, with its request ids in the in-memory form. */
export function withRequestIds(state: RunState): RunState {
  if (state.requests) state.requests = Object.assign(emptyRequestIds(), state.requests);
  return state;
}

/** True if the run already applied a request with this id (a resend). */
export function alreadyApplied(run: Run, requestId: string | undefined): boolean {
  if (requestId === undefined) return false;
  const requests = run.state.requests;
  return (requests !== undefined && Object.hasOwn(requests, requestId)) || run.appliedOutcomes.has(requestId);
}

/** Records, in the run's durable state, that the change being made now applies `requestId`; call it before `core.apply`. */
export function rememberRequest(run: Run, requestId: string | undefined, now: number): void {
  if (requestId === undefined) return;
  const requests = (run.state.requests ??= emptyRequestIds());
  requests[requestId] = now;
  // Runs on every change of the run: one pass, no allocation, unless the run is over its cap.
  const expired = now - REQUEST_ID_RETENTION_MS;
  let left = 0;
  for (const id in requests) {
    if (requests[id]! < expired) delete requests[id];
    else left++;
  }
  if (left <= MAX_REQUEST_IDS_PER_RUN) return;
  const oldestFirst = Object.entries(requests).sort((a, b) => a[1] - b[1]);
  for (const [id] of oldestFirst.slice(0, left - MAX_REQUEST_IDS_PER_RUN)) delete requests[id];
}

/** Records, in memory, that a task outcome with `requestId` is being applied. */
export function rememberOutcome(run: Run, requestId: string | undefined): void {
  if (requestId === undefined) return;
  const ids = run.appliedOutcomes;
  ids.add(requestId);
  if (ids.size > MAX_OUTCOME_IDS_PER_RUN) ids.delete(ids.values().next().value!);
}
