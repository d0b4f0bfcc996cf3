// The store thread's side of the engine's secrets: the task-token key ring. Writes are plans the
// write batcher commits in order with every other mutation.
import type Database from 'better-sqlite3';
import type { TokenKeyRecord } from '@endure/storage';

export type SecurityReadOp = { op: 'getTokenKeys' };

export type SecurityPlan = { kind: 'putTokenKeys'; rows: TokenKeyRow[] };

export const isSecurityPlan = (p: { kind: string }): p is SecurityPlan => p.kind === 'putTokenKeys';

interface TokenKeyRow {
  position: number;
  key_id: string;
  secret: string;
  created_time: number;
}

export function toTokenKeyRows(keys: readonly TokenKeyRecord[]): TokenKeyRow[] {
  if (new Set(keys.map((k) => k.keyId)).size !== keys.length) throw new Error('putTokenKeys: key ids must be unique within the ring');
  return keys.map((k, position) => ({ position, key_id: k.keyId, secret: k.secret, created_time: k.createdTime }));
}

export class SecurityTables {
  private readonly getTokenKeys: Database.Statement<[], TokenKeyRow>;
  private readonly clearTokenKeys: Database.Statement;
  private readonly insertTokenKey: Database.Statement<[TokenKeyRow]>;

  constructor(db: Database.Database) {
    this.getTokenKeys = db.prepare('SELECT * FROM token_keys ORDER BY position');
    this.clearTokenKeys = db.prepare('DELETE FROM token_keys');
    this.insertTokenKey = db.prepare('INSERT INTO token_keys (position, key_id, secret, created_time) VALUES (@position, @key_id, @secret, @created_time)');
  }

  read(r: SecurityReadOp): unknown {
    switch (r.op) {
      case 'getTokenKeys':
        return this.getTokenKeys.all().map((row): TokenKeyRecord => ({ keyId: row.key_id, secret: row.secret, createdTime: row.created_time }));
    }
  }

  apply(p: SecurityPlan): void {
    switch (p.kind) {
      case 'putTokenKeys':
        this.clearTokenKeys.run();
        for (const row of p.rows) this.insertTokenKey.run(row);
        return;
    }
  }
}
