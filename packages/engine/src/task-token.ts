import { ApiError } from '@endure/protocol';
import type { RunKey } from '@endure/storage';

/** What a task token names: one dispatch of a workflow task, or one attempt of an activity. */
export interface TokenData extends RunKey {
  kind: 'wft' | 'activity';
  seq?: number;
  attempt: number;
  dispatchId: number;
}

export function encodeToken(t: TokenData): string {
  return Buffer.from(JSON.stringify([t.namespace, t.workflowId, t.runId, t.kind, t.seq ?? 0, t.attempt, t.dispatchId])).toString('base64url');
}

export function decodeToken(token: string): TokenData {
  try {
    const [namespace, workflowId, runId, kind, seq, attempt, dispatchId] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, string, string, 'wft' | 'activity', number, number, number];
    if (typeof namespace !== 'string' || typeof runId !== 'string' || (kind !== 'wft' && kind !== 'activity')) throw new Error('shape');
    return { namespace, workflowId, runId, kind, seq, attempt, dispatchId };
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'taskToken: not a task token issued by this engine');
  }
}
