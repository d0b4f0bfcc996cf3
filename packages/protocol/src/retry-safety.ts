// What a caller may do when it cannot tell whether a request was applied (the connection dropped
// after sending it, the server restarted before answering): stated once per operation (`retry` in
// the operation table), used by the HTTP transport (it resends only what is safe) and listed in
// the API documentation.
import { operationOf } from './operations.js';

/**
 * - `read`: changes nothing (a poll hands out tasks, but a task whose answer was lost is handed
 *   out again after its timeout, exactly as if its worker had crashed): always safe to resend.
 * - `keyed`: applied once per idempotency key (`requestId`; `updateId` for updates): safe to
 *   resend with the same key, which the client and worker packages always send; without a key,
 *   a resend may apply it twice.
 * - `idempotent`: applying it twice has the effect of applying it once.
 * - `once`: a resend is refused or answered differently (e.g. ALREADY_EXISTS) but never applied
 *   twice; not resent automatically, the caller sees the error.
 * - `unsafe`: a resend applies it again (a second key is made); never resent automatically: after
 *   an ambiguous failure the caller looks before trying again.
 */
export type RetrySafety = 'read' | 'keyed' | 'idempotent' | 'once' | 'unsafe';

/** What each kind promises a caller, as the API documentation states it. */
export const RETRY_SAFETY_DOC: Record<RetrySafety, string> = {
  read: 'Changes nothing: safe to resend at any time.',
  keyed: 'Applied once per idempotency key (requestId; updateId for updates): resending the same request after an ambiguous failure is answered as the first was, never applied twice. Keys are remembered for an hour. Without a key a resend may apply it again.',
  idempotent: 'Applying it twice has the effect of applying it once: safe to resend.',
  once: 'Not resent automatically: a repeat is refused (e.g. ALREADY_EXISTS) but never applied twice.',
  unsafe: 'A repeat applies it again (rotates again, makes another key): never resent automatically; after an ambiguous failure, look before trying again.',
};

/** True if resending this request cannot apply it twice (false for a name that is no operation). */
export function safeToResend(operation: string, request: unknown): boolean {
  const safety = operationOf(operation)?.spec.retry;
  if (safety !== 'keyed') return safety === 'read' || safety === 'idempotent';
  const r = request as { requestId?: unknown; updateId?: unknown } | undefined;
  return typeof (operation === 'updateWorkflow' ? r?.updateId : r?.requestId) === 'string';
}
