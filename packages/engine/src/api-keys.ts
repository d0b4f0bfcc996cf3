// The server's API keys: created, listed and revoked through the engine (so they live in the
// database, through the storage port), and held in memory so checking one costs no I/O.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ALL_NAMESPACES, ApiError, type ApiKeyInfo, type CreateApiKeyRequest, type CreateApiKeyResponse } from '@endure/protocol';
import type { ApiKeyRecord, Store } from '@endure/storage';
import type { Namespaces } from './namespaces.js';

/**
 * A key as handed out: `endure_<keyId>_<secret>`. The id finds the record without a scan; the
 * secret (32 random bytes) is checked against its stored SHA-256. A fast hash is enough: the
 * secret is random, not a password anyone could guess from a dictionary.
 */
const KEY_FORMAT = /^endure_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const hashOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

const infoOf = (r: ApiKeyRecord): ApiKeyInfo => ({ keyId: r.keyId, role: r.role, namespaces: [...r.namespaces], description: r.description, createdTime: r.createdTime });

export class ApiKeys {
  private readonly byId = new Map<string, ApiKeyRecord>();

  constructor(
    private readonly store: Store,
    private readonly namespaces: Namespaces,
    private readonly now: () => number,
  ) {}

  /** Reads the keys (again, in a cluster: a key made or revoked on another node). */
  async load(): Promise<void> {
    const stored = await this.store.listApiKeys();
    this.byId.clear();
    for (const k of stored) this.byId.set(k.keyId, k);
  }

  /** Makes a key; its secret is in the answer only. Memory follows once the write is durable. */
  async create(req: CreateApiKeyRequest): Promise<CreateApiKeyResponse> {
    const namespaces = [...new Set(req.namespaces)];
    if (namespaces.includes(ALL_NAMESPACES) && namespaces.length > 1) {
      throw new ApiError('INVALID_ARGUMENT', `namespaces: '${ALL_NAMESPACES}' already means every namespace; give it alone, or list the namespaces`);
    }
    // A typo would make a key that can do nothing, silently: the namespaces must exist.
    for (const ns of namespaces) if (ns !== ALL_NAMESPACES) this.namespaces.get(ns);
    const keyId = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = { keyId, secretHash: hashOf(secret).toString('base64url'), role: req.role, namespaces, description: req.description ?? '', createdTime: this.now() };
    await this.store.putApiKey(record);
    this.byId.set(keyId, record);
    return { ...infoOf(record), key: `endure_${keyId}_${secret}` };
  }

  list(): ApiKeyInfo[] {
    return [...this.byId.values()].sort((a, b) => (a.keyId < b.keyId ? -1 : 1)).map(infoOf);
  }

  /** Deletes a key: requests carrying it are refused from the moment this resolves. */
  async revoke(keyId: string): Promise<void> {
    if (!this.byId.has(keyId)) throw new ApiError('NOT_FOUND', `no API key '${keyId}': \`endure operator api-key list\` shows the ids`);
    // Refused at once (before the write is durable): a crash then at worst brings the key back.
    this.byId.delete(keyId);
    await this.store.deleteApiKey(keyId);
  }

  /** The key a request presents, if it is one of ours; undefined otherwise (wrong, revoked, or not this format). */
  authenticate(presented: string): ApiKeyInfo | undefined {
    const m = KEY_FORMAT.exec(presented);
    const record = m ? this.byId.get(m[1]!) : undefined;
    if (!m || !record) return undefined;
    const stored = Buffer.from(record.secretHash, 'base64url');
    const given = hashOf(m[2]!);
    return stored.length === given.length && timingSafeEqual(stored, given) ? infoOf(record) : undefined;
  }
}
