// The order listWorkflows returns runs in, and the keyset cursor its page tokens carry: the sort
// key of the last row served, so the next page starts strictly after it however many runs have
// been created or deleted meanwhile.
import { compareCodePoints } from './filter-eval.js';
import { ListQueryError, type WorkflowRecord } from './port.js';

export interface ListCursor {
  startTime: number;
  workflowId: string;
  runId: string;
}

/** Negative when `a` is listed before `b`: (startTime, workflowId, runId) descending. */
export function compareListOrder(a: ListCursor, b: ListCursor): number {
  return b.startTime - a.startTime || compareCodePoints(b.workflowId, a.workflowId) || compareCodePoints(b.runId, a.runId);
}

export function cursorOf(r: WorkflowRecord): ListCursor {
  return { startTime: r.startTime, workflowId: r.workflowId, runId: r.runId };
}

/** base64url of JSON [startTime, workflowId, runId]: opaque to callers, cheap to check. */
export function encodePageToken(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.startTime, c.workflowId, c.runId])).toString('base64url');
}

export function decodePageToken(token: string): ListCursor {
  const bad = () =>
    new ListQueryError('pageToken is not one this store issued: pass the nextPageToken of the previous page unchanged, or none for the first page');
  if (typeof token !== 'string' || token.length > 8200 || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw bad();
  const [startTime, workflowId, runId] = parsed as unknown[];
  if (typeof startTime !== 'number' || !Number.isFinite(startTime) || typeof workflowId !== 'string' || typeof runId !== 'string') throw bad();
  return { startTime, workflowId, runId };
}
