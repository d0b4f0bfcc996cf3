// Checking a batch's run mutations in call order, in memory: the versions and current runs they
// depend on are read once for the whole batch, then each mutation is checked against them as the
// earlier mutations of the batch left them. A mutation that fails its check is left out (its
// promise rejects); the others are written together (batch-write.ts). The store owns its schema
// (owner-lock.ts), so nothing else changes these rows between the read and the write.
import { CurrentRunConflictError, VersionConflictError } from '@endure/storage';
import { query, type TxSql } from './connect.js';
import { checkFence, lockedTokens } from './cluster.js';
import { describe, type RunPlan } from './plan.js';

export interface RunState {
  next: number;
  status: string;
}

/** What the batch's checks read and change: runs by runKey, current runs by idKey (null: none). */
export interface BatchState {
  runs: Map<string, RunState | null>;
  current: Map<string, string | null>;
  /** The current tokens of the shards the plans' fences name (locked until the transaction ends). */
  tokens: Map<number, number>;
}

/** NUL never occurs in stored text (plan.ts refuses it), so these keys are unambiguous. */
export const runKey = (p: { namespace: string; workflowId: string; runId: string }) => `${p.namespace}\u0000${p.workflowId}\u0000${p.runId}`;
export const idKey = (p: { namespace: string; workflowId: string }) => `${p.namespace}\u0000${p.workflowId}`;

const withSuccessors = (plans: readonly RunPlan[]) => plans.flatMap((p) => (p.next ? [p, p.next] : [p]));

/** Reads the stored versions of every run, and the current run of every workflow id, the plans touch. */
export async function loadState(tx: TxSql, plans: readonly RunPlan[]): Promise<BatchState> {
  const all = withSuccessors(plans);
  const runs = new Map<string, RunState | null>(all.map((p) => [runKey(p), null]));
  const current = new Map<string, string | null>(all.filter((p) => p.kind === 'create' && p.setsCurrent !== false).map((p) => [idKey(p), null]));
  const col = <T>(keys: Iterable<string>, i: number) => [...keys].map((k) => k.split('\u0000')[i] as T);
  const [stored, currents, tokens] = await Promise.all([
    query<{ namespace: string; workflow_id: string; run_id: string; next_event_id: number; status: string }[]>(
      tx,
      `SELECT w.namespace, w.workflow_id, w.run_id, w.next_event_id, w.status
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(namespace, workflow_id, run_id)
       JOIN workflows w ON w.namespace = k.namespace AND w.workflow_id = k.workflow_id AND w.run_id = k.run_id`,
      [col(runs.keys(), 0), col(runs.keys(), 1), col(runs.keys(), 2)],
    ),
    current.size === 0
      ? []
      : query<{ namespace: string; workflow_id: string; run_id: string }[]>(
      tx,
          `SELECT c.namespace, c.workflow_id, c.run_id
           FROM unnest($1::text[], $2::text[]) AS k(namespace, workflow_id)
           JOIN current_runs c ON c.namespace = k.namespace AND c.workflow_id = k.workflow_id`,
          [col(current.keys(), 0), col(current.keys(), 1)],
        ),
    lockedTokens(tx, plans.flatMap((p) => (p.fence ? [p.fence] : []))),
  ]);
  for (const r of stored) runs.set(runKey({ namespace: r.namespace, workflowId: r.workflow_id, runId: r.run_id }), { next: r.next_event_id, status: r.status });
  for (const c of currents) current.set(idKey({ namespace: c.namespace, workflowId: c.workflow_id }), c.run_id);
  return { runs, current, tokens };
}

/**
 * Checks each plan (with its continue-as-new successor, as one) against `state`, applying the
 * accepted ones to it. Returns, per plan, the error that rejects it or undefined.
 */
export function checkInOrder(plans: readonly RunPlan[], state: BatchState): (Error | undefined)[] {
  return plans.map((p) => {
    const undo: (() => void)[] = [];
    try {
      checkFence(p.fence, state.tokens);
      check(p, state, undo);
      if (p.next) check(p.next, state, undo);
      return undefined;
    } catch (e) {
      for (const u of undo.reverse()) u();
      return e instanceof Error ? e : new Error(String(e));
    }
  });
}

function check(p: RunPlan, state: BatchState, undo: (() => void)[]): void {
  const rk = runKey(p);
  const stored = state.runs.get(rk) ?? null;
  if (p.kind === 'update') {
    if (!stored || stored.next !== p.expected || (p.running && stored.status !== 'RUNNING')) {
      throw new VersionConflictError({ namespace: p.namespace, workflowId: p.workflowId, runId: p.runId }, p.expected, stored?.next);
    }
  } else {
    if (stored) throw new Error(`run ${describe(p)} already exists`);
    if (p.setsCurrent !== false) {
      const ik = idKey(p);
      const current = state.current.get(ik) ?? null;
      if (current !== p.expectedCurrentRunId) throw new CurrentRunConflictError(p.namespace, p.workflowId, current);
      state.current.set(ik, p.runId);
      undo.push(() => state.current.set(ik, current));
    }
  }
  state.runs.set(rk, { next: p.record.nextEventId, status: p.record.status });
  undo.push(() => state.runs.set(rk, stored));
}
