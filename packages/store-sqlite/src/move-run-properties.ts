// The data half of the run-properties migration step: runs written before it keep their memo and
// search-attribute payloads inside the engine's state JSON (keys `memo` and `searchAttributes`).
// This moves them to run_properties, in the form the store writes (JSON of a RunProperties), and
// drops them from the state, so every run reads the same way afterwards. It is the one place the
// store looks inside the state, and only to undo what an older engine put there.
import type Database from 'better-sqlite3';
import type { RunProperties } from '@endure/storage';
import { RUN_PROPERTIES_SCHEMA } from './schema.js';

/** Rows read per query: a database of millions of runs is moved without holding it all in memory. */
const PAGE = 1000;

interface StateRow {
  rowid: number;
  namespace: string;
  workflow_id: string;
  run_id: string;
  state: string;
}

/** Creates run_properties and fills it from the runs' states (inside the migration's transaction). */
export function moveRunProperties(db: Database.Database): void {
  db.exec(RUN_PROPERTIES_SCHEMA);
  // SQLite's JSON functions only pick the runs to look at; the state is rewritten by
  // JSON.stringify, as the engine writes it, so nothing else in it changes form.
  const page = db.prepare<[number], StateRow>(
    `SELECT rowid, namespace, workflow_id, run_id, state FROM workflows
     WHERE rowid > ? AND (json_type(state, '$.memo') IS NOT NULL OR json_type(state, '$.searchAttributes') IS NOT NULL)
     ORDER BY rowid LIMIT ${PAGE}`,
  );
  const insert = db.prepare<[string, string, string, string]>('INSERT INTO run_properties (namespace, workflow_id, run_id, properties) VALUES (?, ?, ?, ?)');
  // The state changes, so its checksum (schema 5) no longer holds: the row is left unchecked.
  const setState = db.prepare<[string, number]>('UPDATE workflows SET state = ?, crc = NULL WHERE rowid = ?');
  for (let after = 0; ; ) {
    const rows = page.all(after);
    for (const r of rows) {
      const { memo, searchAttributes, ...state } = JSON.parse(r.state) as Record<string, unknown> & RunProperties;
      insert.run(r.namespace, r.workflow_id, r.run_id, JSON.stringify({ memo, searchAttributes } satisfies RunProperties));
      setState.run(JSON.stringify(state), r.rowid);
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.rowid;
  }
}
