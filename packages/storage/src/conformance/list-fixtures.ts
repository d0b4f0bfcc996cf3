// Builders for the listing tests: runs with chosen visible fields, filter nodes, and reading every
// page of a listing.
import assert from 'node:assert/strict';
import type { FilterExpr, FilterField, FilterValue, SearchAttributeType, SystemSearchAttribute } from '@endure/protocol';
import { SYSTEM_SEARCH_ATTRIBUTES } from '@endure/protocol';
import type { CreateWorkflow, Store, WorkflowRecord } from '../port.js';
import { events, started } from './fixtures.js';

/** A run to create: `history` events in all (so HistoryLength = history), fields from `patch`. */
export function runOf(
  workflowId: string,
  patch: Partial<WorkflowRecord> & { history?: number } = {},
  expectedCurrentRunId: string | null = null,
): CreateWorkflow {
  const { history = 1, ...fields } = patch;
  const runId = fields.runId ?? `r-${workflowId}`;
  const evs = [started(runId), ...events(2, history - 1)];
  const record: WorkflowRecord = {
    namespace: 'default',
    workflowId,
    workflowType: 'w',
    taskQueue: 'q',
    status: 'RUNNING',
    startTime: 1_700_000_000_000,
    closeTime: null,
    state: JSON.stringify({ id: workflowId }),
    ...fields,
    runId, // after fields: an explicit `runId: undefined` there must not erase it
    nextEventId: evs.length + 1,
  };
  return { record, events: evs, expectedCurrentRunId };
}

export const sys = (name: SystemSearchAttribute): FilterField => ({ kind: 'system', name, type: SYSTEM_SEARCH_ATTRIBUTES[name] });
export const custom = (name: string, type: SearchAttributeType): FilterField => ({ kind: 'custom', name, type });

export const eq = (field: FilterField, value: FilterValue): FilterExpr => ({ op: 'compare', field, cmp: '=', value });
export const cmp = (field: FilterField, c: '=' | '!=' | '<' | '>' | '<=' | '>=', value: FilterValue): FilterExpr => ({ op: 'compare', field, cmp: c, value });
export const isIn = (field: FilterField, values: FilterValue[], negated = false): FilterExpr => ({ op: 'in', field, values, negated });
export const between = (field: FilterField, low: FilterValue, high: FilterValue, negated = false): FilterExpr => ({ op: 'between', field, low, high, negated });
export const startsWith = (field: FilterField, prefix: string): FilterExpr => ({ op: 'startsWith', field, prefix });
export const isNull = (field: FilterField, negated = false): FilterExpr => ({ op: 'isNull', field, negated });
export const and = (...args: FilterExpr[]): FilterExpr => ({ op: 'and', args });
export const or = (...args: FilterExpr[]): FilterExpr => ({ op: 'or', args });

/** Every page of a listing, checking that pages are full until the last, which has no token. */
export async function listAll(store: Store, namespace: string, filter?: FilterExpr, pageSize = 1000): Promise<WorkflowRecord[]> {
  const out: WorkflowRecord[] = [];
  let pageToken: string | undefined;
  for (let pages = 0; ; pages++) {
    assert.ok(pages <= 10_000, 'listWorkflows paging does not end');
    const page = await store.listWorkflows({ namespace, filter, pageSize, pageToken });
    out.push(...page.records);
    if (page.nextPageToken === undefined) return out;
    assert.equal(page.records.length, pageSize, 'a page before the last must be full');
    pageToken = page.nextPageToken;
  }
}

export const idsOf = (records: readonly WorkflowRecord[]): string[] => records.map((r) => r.workflowId);
