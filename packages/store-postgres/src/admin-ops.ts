// Namespaces, the task-token key ring, API keys and retention: their reads, and their writes as
// jobs the write batcher runs in order with every other mutation.
import type { ApiKeyRecord, NamespaceRecord, TokenKeyRecord } from '@endure/storage';
import type { Sql, TxSql } from './connect.js';
import { checkText } from './plan.js';

interface NamespaceRow {
  name: string;
  description: string;
  retention_ms: number;
  created_time: number;
  search_attributes: string;
}

const fromNamespaceRow = (r: NamespaceRow): NamespaceRecord => ({
  name: r.name,
  description: r.description,
  retentionMs: r.retention_ms,
  createdTime: r.created_time,
  searchAttributes: JSON.parse(r.search_attributes) as NamespaceRecord['searchAttributes'],
});

interface ApiKeyRow {
  key_id: string;
  secret_hash: string;
  role: string;
  namespaces: string;
  description: string;
  created_time: number;
}

const fromApiKeyRow = (r: ApiKeyRow): ApiKeyRecord => ({
  keyId: r.key_id,
  secretHash: r.secret_hash,
  role: r.role as ApiKeyRecord['role'],
  namespaces: JSON.parse(r.namespaces) as string[],
  description: r.description,
  createdTime: r.created_time,
});

export async function getNamespace(sql: Sql, name: string): Promise<NamespaceRecord | undefined> {
  const [row] = await sql<NamespaceRow[]>`SELECT * FROM namespaces WHERE name = ${name}`;
  return row && fromNamespaceRow(row);
}

export async function listNamespaces(sql: Sql): Promise<NamespaceRecord[]> {
  return (await sql<NamespaceRow[]>`SELECT * FROM namespaces ORDER BY name COLLATE "C"`).map(fromNamespaceRow);
}

export async function getTokenKeys(sql: Sql): Promise<TokenKeyRecord[]> {
  const rows = await sql<{ key_id: string; secret: string; created_time: number }[]>`SELECT key_id, secret, created_time FROM token_keys ORDER BY position`;
  return rows.map((r) => ({ keyId: r.key_id, secret: r.secret, createdTime: r.created_time }));
}

export async function listApiKeys(sql: Sql): Promise<ApiKeyRecord[]> {
  return (await sql<ApiKeyRow[]>`SELECT * FROM api_keys ORDER BY key_id`).map(fromApiKeyRow);
}

/** Write jobs: validated when called, applied inside the batch transaction. */
export function putNamespaceJob(ns: NamespaceRecord): (tx: TxSql) => Promise<unknown> {
  checkText('namespace name', ns.name);
  checkText('namespace description', ns.description);
  const attrs = JSON.stringify(ns.searchAttributes);
  const { name, description, retentionMs, createdTime } = ns;
  return (tx) => tx`
    INSERT INTO namespaces (name, description, retention_ms, created_time, search_attributes)
    VALUES (${name}, ${description}, ${retentionMs}, ${createdTime}, ${attrs})
    ON CONFLICT (name) DO UPDATE SET description = excluded.description, retention_ms = excluded.retention_ms,
      created_time = excluded.created_time, search_attributes = excluded.search_attributes`.execute();
}

export function putTokenKeysJob(keys: readonly TokenKeyRecord[]): (tx: TxSql) => Promise<unknown> {
  if (new Set(keys.map((k) => k.keyId)).size !== keys.length) throw new Error('putTokenKeys: key ids must be unique within the ring');
  for (const k of keys) {
    checkText('token key id', k.keyId);
    checkText('token key secret', k.secret);
  }
  const ids = keys.map((k) => k.keyId);
  const secrets = keys.map((k) => k.secret);
  const times = keys.map((k) => k.createdTime);
  return async (tx) => {
    await tx`DELETE FROM token_keys`;
    if (keys.length === 0) return;
    await tx`
      INSERT INTO token_keys (position, key_id, secret, created_time)
      SELECT ord - 1, k, s, t FROM unnest(${ids}::text[], ${secrets}::text[], ${times}::float8[]) WITH ORDINALITY AS x(k, s, t, ord)`;
  };
}

export function putApiKeyJob(k: ApiKeyRecord): (tx: TxSql) => Promise<unknown> {
  for (const [field, v] of [['keyId', k.keyId], ['secretHash', k.secretHash], ['description', k.description], ...k.namespaces.map((n) => ['namespaces', n])] as const) checkText(`API key ${field}`, v);
  const namespaces = JSON.stringify(k.namespaces);
  const { keyId, secretHash, role, description, createdTime } = k;
  return (tx) => tx`
    INSERT INTO api_keys (key_id, secret_hash, role, namespaces, description, created_time)
    VALUES (${keyId}, ${secretHash}, ${role}, ${namespaces}, ${description}, ${createdTime})
    ON CONFLICT (key_id) DO UPDATE SET secret_hash = excluded.secret_hash, role = excluded.role, namespaces = excluded.namespaces,
      description = excluded.description, created_time = excluded.created_time`.execute();
}

export function deleteApiKeyJob(keyId: string): (tx: TxSql) => Promise<unknown> {
  return async (tx) => (await tx`DELETE FROM api_keys WHERE key_id = ${keyId}`).count > 0;
}

/**
 * Retention in one statement: picks up to `limit` closed runs, oldest close first, that owe no
 * effect to another run (a closed run that still owns timer rows, e.g. telling its parent it
 * closed, stays until the engine has done it), and deletes them with everything they own.
 */
export function deleteClosedRunsJob(namespace: string, closedBefore: number, limit: number): (tx: TxSql) => Promise<unknown> {
  return async (tx) => {
    const [row] = await tx<{ n: number }[]>`
      WITH gone AS (
        DELETE FROM workflows w WHERE (w.namespace, w.workflow_id, w.run_id) IN (
          SELECT c.namespace, c.workflow_id, c.run_id FROM workflows c
          WHERE c.namespace = ${namespace} AND c.close_time IS NOT NULL AND c.close_time < ${closedBefore}::float8
            AND NOT EXISTS (SELECT 1 FROM timers t WHERE t.namespace = c.namespace AND t.workflow_id = c.workflow_id AND t.run_id = c.run_id)
          ORDER BY c.close_time, c.workflow_id, c.run_id LIMIT ${limit}::int)
        RETURNING w.namespace, w.workflow_id, w.run_id),
      h AS (DELETE FROM history x USING gone g WHERE x.namespace = g.namespace AND x.workflow_id = g.workflow_id AND x.run_id = g.run_id),
      t AS (DELETE FROM tasks x USING gone g WHERE x.namespace = g.namespace AND x.workflow_id = g.workflow_id AND x.run_id = g.run_id),
      s AS (DELETE FROM search_attributes x USING gone g WHERE x.namespace = g.namespace AND x.workflow_id = g.workflow_id AND x.run_id = g.run_id),
      c AS (DELETE FROM current_runs x USING gone g WHERE x.namespace = g.namespace AND x.workflow_id = g.workflow_id AND x.run_id = g.run_id)
      SELECT count(*)::int AS n FROM gone`;
    return row!.n;
  };
}
