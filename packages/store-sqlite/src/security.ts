// The store thread's side of the engine's secrets: the task-token key ring and the API keys.
// Writes are plans the write batcher commits in order with every other mutation.
import type Database from 'better-sqlite3';
import type { ApiKeyRecord, TokenKeyRecord } from '@endure/storage';

export type SecurityReadOp = { op: 'getTokenKeys' } | { op: 'listApiKeys' };

export type SecurityPlan =
  | { kind: 'putTokenKeys'; rows: TokenKeyRow[] }
  | { kind: 'putApiKey'; row: ApiKeyRow }
  /** Resolves true if the key existed. */
  | { kind: 'deleteApiKey'; keyId: string };

export const isSecurityPlan = (p: { kind: string }): p is SecurityPlan => p.kind === 'putTokenKeys' || p.kind === 'putApiKey' || p.kind === 'deleteApiKey';

interface TokenKeyRow {
  position: number;
  key_id: string;
  secret: string;
  created_time: number;
}

interface ApiKeyRow {
  key_id: string;
  secret_hash: string;
  role: string;
  /** JSON array of names (or ["*"]). */
  namespaces: string;
  description: string;
  created_time: number;
}

export function toApiKeyRow(k: ApiKeyRecord): ApiKeyRow {
  return { key_id: k.keyId, secret_hash: k.secretHash, role: k.role, namespaces: JSON.stringify(k.namespaces), description: k.description, created_time: k.createdTime };
}

function fromApiKeyRow(r: ApiKeyRow): ApiKeyRecord {
  return {
    keyId: r.key_id,
    secretHash: r.secret_hash,
    role: r.role as ApiKeyRecord['role'],
    namespaces: JSON.parse(r.namespaces) as string[],
    description: r.description,
    createdTime: r.created_time,
  };
}

export function toTokenKeyRows(keys: readonly TokenKeyRecord[]): TokenKeyRow[] {
  if (new Set(keys.map((k) => k.keyId)).size !== keys.length) throw new Error('putTokenKeys: key ids must be unique within the ring');
  return keys.map((k, position) => ({ position, key_id: k.keyId, secret: k.secret, created_time: k.createdTime }));
}

export class SecurityTables {
  private readonly getTokenKeys: Database.Statement<[], TokenKeyRow>;
  private readonly clearTokenKeys: Database.Statement;
  private readonly insertTokenKey: Database.Statement<[TokenKeyRow]>;
  private readonly listApiKeys: Database.Statement<[], ApiKeyRow>;
  private readonly putApiKey: Database.Statement<[ApiKeyRow]>;
  private readonly deleteApiKey: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.getTokenKeys = db.prepare('SELECT * FROM token_keys ORDER BY position');
    this.clearTokenKeys = db.prepare('DELETE FROM token_keys');
    this.insertTokenKey = db.prepare('INSERT INTO token_keys (position, key_id, secret, created_time) VALUES (@position, @key_id, @secret, @created_time)');
    this.listApiKeys = db.prepare('SELECT * FROM api_keys ORDER BY key_id');
    this.putApiKey = db.prepare(
      `INSERT OR REPLACE INTO api_keys (key_id, secret_hash, role, namespaces, description, created_time)
       VALUES (@key_id, @secret_hash, @role, @namespaces, @description, @created_time)`,
    );
    this.deleteApiKey = db.prepare('DELETE FROM api_keys WHERE key_id = ?');
  }

  read(r: SecurityReadOp): unknown {
    switch (r.op) {
      case 'getTokenKeys':
        return this.getTokenKeys.all().map((row): TokenKeyRecord => ({ keyId: row.key_id, secret: row.secret, createdTime: row.created_time }));
      case 'listApiKeys':
        return this.listApiKeys.all().map(fromApiKeyRow);
    }
  }

  apply(p: SecurityPlan): unknown {
    switch (p.kind) {
      case 'putTokenKeys':
        this.clearTokenKeys.run();
        for (const row of p.rows) this.insertTokenKey.run(row);
        return undefined;
      case 'putApiKey':
        this.putApiKey.run(p.row);
        return undefined;
      case 'deleteApiKey':
        return this.deleteApiKey.run(p.keyId).changes > 0;
    }
  }
}
