import { ApiError } from '@endure/protocol';
import type { RunKey } from '@endure/storage';

/** What a task token names: one dispatch of a workflow task, or one attempt of an activity. */
export interface TokenData extends RunKey {
  kind: 'wft' | 'activity' | 'query';
  seq?: number;
  attempt: number;
  dispatchId: number;
  queryId?: string;
}

export function encodeToken(t: TokenData): string {
  return Buffer.from(JSON.stringify([t.namespace, t.workflowId, t.runId, t.kind, t.seq ?? 0, t.attempt, t.dispatchId, t.queryId ?? ''])).toString('base64url');
}

export function decodeToken(token: string): TokenData {
  try {
    const [namespace, workflowId, runId, kind, seq, attempt, dispatchId, queryId] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, string, string, TokenData['kind'], number, number, number, string];
    if (typeof namespace !== 'string' || typeof runId !== 'string' || !['wft', 'activity', 'query'].includes(kind)) throw new Error('shape');
    return { namespace, workflowId, runId, kind, seq, attempt, dispatchId, queryId: queryId || undefined };
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'taskToken: not a task token issued by this engine');
  }
}
