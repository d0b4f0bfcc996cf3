// The keys task tokens are signed with, kept in the database (through the storage port) so a
// restarted engine still accepts the tokens it handed out before.
import { randomBytes } from 'node:crypto';
import type { Store, TokenKeyRecord } from '@endure/storage';

/** What a rotation did: the new signing key, the keys still accepted, and those now refused. */
export interface TokenKeyRotation {
  keyId: string;
  acceptedKeyIds: string[];
  retiredKeyIds: string[];
}

/**
 * How many keys verify: the signing key and the one before it. A rotation does not refuse the
 * tokens of tasks already handed out (a long activity may run for days); they are refused from
 * the rotation after, so rotating twice retires a key at once.
 */
const RING_SIZE = 2;

function newKey(now: number): TokenKeyRecord {
  // The id is only a name (tokens carry it); the 32 random bytes are the HMAC-SHA256 key.
  return { keyId: randomBytes(6).toString('base64url'), secret: randomBytes(32).toString('base64url'), createdTime: now };
}

export class TokenKeyRing {
  private keys: { keyId: string; secret: Buffer }[] = [];
  /** The last rotation (or the first key's creation): the next waits for it. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** Reads the ring; a database that has none (new, or from before signed tokens) gets its first key. */
  async load(): Promise<void> {
    let stored = await this.store.getTokenKeys();
    if (stored.length === 0) {
      const first = [newKey(this.now())];
      try {
        await this.store.putTokenKeys(first);
        stored = first;
      } catch (err) {
        // Nodes of a cluster starting together on a new database each try to make the first key;
        // one wins (the ring is written whole or not at all), and the others use its key.
        stored = await this.store.getTokenKeys();
        if (stored.length === 0) throw err;
      }
    }
    this.use(stored);
  }

  /** The key new tokens are signed with. */
  signing(): { keyId: string; secret: Buffer } {
    const k = this.keys[0];
    if (!k) throw new Error('task-token keys are not loaded (Engine.open loads them)');
    return k;
  }

  /** The secret of a key that still verifies, or undefined for one this engine does not hold. */
  secretOf(keyId: string): Buffer | undefined {
    return this.keys.find((k) => k.keyId === keyId)?.secret;
  }

  /**
   * Makes a new signing key; the previous one still verifies, older ones are retired. Memory
   * follows only once the write is durable: a token is never signed with a key a crash could lose.
   */
  rotate(): Promise<TokenKeyRotation> {
    const run = this.writing.then(async () => {
      const before = await this.store.getTokenKeys();
      const ring = [newKey(this.now()), ...before].slice(0, RING_SIZE);
      await this.store.putTokenKeys(ring);
      this.use(ring);
      const kept = new Set(ring.map((k) => k.keyId));
      return { keyId: ring[0]!.keyId, acceptedKeyIds: [...kept], retiredKeyIds: before.map((k) => k.keyId).filter((id) => !kept.has(id)) };
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private use(stored: TokenKeyRecord[]): void {
    this.keys = stored.map((k) => ({ keyId: k.keyId, secret: Buffer.from(k.secret, 'base64url') }));
  }
}
