// Writing a run's search attributes: the JSON on the workflows row (what reads return) and the
// index rows filters search (one per value, one per KeywordList element). A record without
// searchAttributes plans nothing, so runs without attributes cost nothing extra to write.
import type Database from 'better-sqlite3';
import type { SearchAttributeValue } from '@endure/protocol';
import type { WorkflowRecord } from '@endure/storage';
import type { KeyParams } from './rows.js';

/** A run's new attribute set, as plain data (it crosses to the store thread). */
export interface AttributesPlan {
  /** The set as JSON, or null for none. */
  json: string | null;
  startTime: number;
  rows: { name: string; value: string | number }[];
}

/**
 * Undefined when the record leaves its attributes as they are: an update without the key, or a
 * new run without any. Throws, naming the attribute, for a value no search-attribute type has.
 */
export function planSearchAttributes(r: WorkflowRecord, creating: boolean): AttributesPlan | undefined {
  const attrs = r.searchAttributes;
  if (attrs === undefined) return undefined;
  const names = Object.keys(attrs);
  if (names.length === 0) return creating ? undefined : { json: null, startTime: r.startTime, rows: [] };
  const rows: AttributesPlan['rows'] = [];
  for (const name of names) {
    const v = attrs[name];
    if (Array.isArray(v)) {
      for (const e of new Set(v)) {
        if (typeof e !== 'string') throw badValue(name, v);
        rows.push({ name, value: e });
      }
    } else {
      rows.push({ name, value: indexValue(name, v) });
    }
  }
  return { json: JSON.stringify(attrs), startTime: r.startTime, rows };
}

function indexValue(name: string, v: SearchAttributeValue | undefined): string | number {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0; // SQLite has no boolean type
  throw badValue(name, v);
}

function badValue(name: string, v: unknown): Error {
  const shown = typeof v === 'number' ? String(v) : String(JSON.stringify(v)).slice(0, 100);
  return new Error(`search attribute ${name.slice(0, 100)} has value ${shown}; values are strings, finite numbers, booleans or (KeywordList) arrays of strings`);
}

export class SearchAttributeStatements {
  private readonly getJson: Database.Statement<[KeyParams], string | null>;
  private readonly setJson: Database.Statement<[KeyParams & { json: string | null }]>;
  private readonly deleteRows: Database.Statement<[KeyParams]>;
  private readonly insertRow: Database.Statement<[KeyParams & { name: string; value: string | number; start_time: number }]>;

  constructor(db: Database.Database) {
    const key = 'namespace = @namespace AND workflow_id = @workflow_id AND run_id = @run_id';
    this.getJson = db.prepare<[KeyParams], string | null>(`SELECT search_attributes FROM workflows WHERE ${key}`).pluck();
    this.setJson = db.prepare(`UPDATE workflows SET search_attributes = @json WHERE ${key}`);
    this.deleteRows = db.prepare(`DELETE FROM search_attributes WHERE ${key}`);
    this.insertRow = db.prepare(
      `INSERT OR IGNORE INTO search_attributes (namespace, name, value, start_time, workflow_id, run_id)
       VALUES (@namespace, @name, @value, @start_time, @workflow_id, @run_id)`,
    );
  }

  /** Replaces the run's set (inside the mutation's savepoint); an unchanged set is left alone. */
  write(k: KeyParams, p: AttributesPlan, creating: boolean): void {
    if (!creating) {
      if (this.getJson.get(k) === p.json) return;
      this.deleteRows.run(k);
    }
    this.setJson.run({ ...k, json: p.json });
    for (const r of p.rows) this.insertRow.run({ ...k, name: r.name, value: r.value, start_time: p.startTime });
  }
}
