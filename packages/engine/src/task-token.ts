// Task tokens: what a worker hands back to complete, fail or heartbeat a task. Each is signed
// (HMAC-SHA256 with a key of the database's ring), so only tokens this engine issued are
// accepted: a hand-made or altered token, or one from another database, is refused before it
// can touch a run.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@endure/protocol';
import type { RunKey } from '@endure/storage';
import type { TokenKeyRing } from './token-keys.js';

/** What a task token names: one dispatch of a workflow task, or one attempt of an activity. */
export interface TokenData extends RunKey {
  kind: 'wft' | 'activity' | 'query';
  seq?: number;
  attempt: number;
  dispatchId: number;
  queryId?: string;
}

/** A verified token: what it names, and whether this engine instance (this process start) issued it. */
export interface VerifiedToken extends TokenData {
  fromThisInstance: boolean;
}

const KINDS: readonly TokenData['kind'][] = ['wft', 'activity', 'query'];
/** Issued tokens remembered for a fast check (~350 bytes each): more than the tasks in flight. */
const MAX_ISSUED = 20_000;

interface IssuedToken {
  text: string;
  keyId: string;
  token: VerifiedToken;
}
const MALFORMED =
  'taskToken: not a task token issued by this engine: it is not in the signed form polls hand out (made by hand, cut short, or from a version of Endure before signed tokens); use the token of a current task';

/**
 * Issues and verifies task tokens. A token is `<keyId>.<payload>.<signature>`, all base64url;
 * the signature covers the key id and the payload. The payload names the run, the task kind,
 * the activity seq (or query id), the attempt, the dispatch, and the engine instance: an id
 * made at each engine start, because dispatch numbers start again at 1 after a restart.
 *
 * What a token from an earlier instance (before a restart) means is for each task kind to say:
 * an activity's token stays good while its attempt is current (the activity may have kept
 * running through the restart; its result is as good as a retry's: at-least-once), while a
 * workflow task's is no longer current (workflow-tasks.ts).
 */
export class TaskTokens {
  /** Made at each start of the engine. */
  readonly instanceId = randomBytes(6).toString('base64url');
  /**
   * Tokens this instance issued lately, with their exact text and what they name. A completion
   * that presents one is known without computing its HMAC again (~3.6 µs, a few percent of a
   * step): only the engine ever had that text, so this is as strong as the check; any other text
   * — forged, altered, older — goes the full way. Two generations of MAX_ISSUED / 2: when the
   * newer fills up it becomes the older one and the older is dropped (evicting entries one by
   * one from the front of a Map makes each eviction skip the holes left by the earlier ones).
   */
  private issued = new Map<string, IssuedToken>();
  private issuedBefore = new Map<string, IssuedToken>();

  constructor(private readonly keys: TokenKeyRing) {}

  encode(t: TokenData): string {
    const key = this.keys.signing();
    const payload = Buffer.from(JSON.stringify([this.instanceId, t.namespace, t.workflowId, t.runId, t.kind, t.seq ?? 0, t.attempt, t.dispatchId, t.queryId ?? ''])).toString('base64url');
    const signed = `${key.keyId}.${payload}`;
    const signature = createHmac('sha256', key.secret).update(signed, 'utf8').digest('base64url');
    const token = `${signed}.${signature}`;
    const verified: VerifiedToken = Object.freeze({
      namespace: t.namespace,
      workflowId: t.workflowId,
      runId: t.runId,
      kind: t.kind,
      seq: t.seq ?? 0,
      attempt: t.attempt,
      dispatchId: t.dispatchId,
      queryId: t.queryId || undefined,
      fromThisInstance: true,
    });
    if (this.issued.size >= MAX_ISSUED / 2) {
      this.issuedBefore = this.issued;
      this.issued = new Map();
    }
    // Keyed by the signature (short, and already a flat string: hashing the whole token costs more
    // than the HMAC it saves); the whole text is compared on a hit.
    this.issued.set(signature, { text: token, keyId: key.keyId, token: verified });
    return token;
  }

  /** The task a token names, once its signature is checked; INVALID_ARGUMENT naming the problem otherwise. */
  decode(token: string): VerifiedToken {
    const issuedSignature = token.slice(token.lastIndexOf('.') + 1);
    const known = this.issued.get(issuedSignature) ?? this.issuedBefore.get(issuedSignature);
    // The exact text issued, and still refused once its key is retired by a rotation, as a full check would.
    if (known && known.text === token && this.keys.secretOf(known.keyId)) return known.token;
    const parts = token.split('.');
    if (parts.length !== 3) throw new ApiError('INVALID_ARGUMENT', MALFORMED);
    const [keyId, payload, signature] = parts as [string, string, string];
    const secret = this.keys.secretOf(keyId);
    if (!secret) {
      throw new ApiError(
        'INVALID_ARGUMENT',
        `taskToken: signed with key '${keyId.slice(0, 16)}', which this engine does not hold: the token comes from another database, or its key was retired by a rotation (endure operator rotate-token-key); use the token of a current task`,
      );
    }
    const expected = mac(secret, `${keyId}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    // Constant time, so the time taken tells nothing about how much of a forged signature is right.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ApiError('INVALID_ARGUMENT', 'taskToken: the signature does not match: the token was altered or forged; use the token exactly as the engine handed it out');
    }
    return this.parse(payload);
  }

  private parse(payload: string): VerifiedToken {
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString());
    } catch {
      throw new ApiError('INVALID_ARGUMENT', MALFORMED);
    }
    const [instance, namespace, workflowId, runId, kind, seq, attempt, dispatchId, queryId] = Array.isArray(fields) ? (fields as unknown[]) : [];
    const strings = [instance, namespace, workflowId, runId, queryId].every((f) => typeof f === 'string');
    const numbers = [seq, attempt, dispatchId].every((f) => typeof f === 'number');
    // Signed by us, so this only fails for a token of a future format: still, never trust a shape.
    if (!strings || !numbers || !KINDS.includes(kind as TokenData['kind'])) throw new ApiError('INVALID_ARGUMENT', MALFORMED);
    return {
      namespace: namespace as string,
      workflowId: workflowId as string,
      runId: runId as string,
      kind: kind as TokenData['kind'],
      seq: seq as number,
      attempt: attempt as number,
      dispatchId: dispatchId as number,
      queryId: (queryId as string) || undefined,
      fromThisInstance: instance === this.instanceId,
    };
  }
}

function mac(secret: Buffer, text: string): Buffer {
  return createHmac('sha256', secret).update(text, 'utf8').digest();
}
