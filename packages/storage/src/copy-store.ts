// Moving a database to another store (`endure db migrate`): everything the source holds, written
// through the port, so any store can be the source or the target. Each run is written whole by
// one importRun (record, history, tasks, timers, current or not), so no run is ever half there;
// then the target is read back and checked against what was read from the source.
import type { Store } from './port.js';
import { fingerprintOf, type RunFingerprint } from './copy-fingerprint.js';
import { READS_IN_FLIGHT, inParallel, readWholeHistory, rowsByRun, runKeyOf, runPages } from './copy-reads.js';
import { verifyCopy } from './copy-verify.js';
import { WriteWindow } from './copy-window.js';

export { CopyVerificationError } from './copy-verify.js';

/** Writes issued and not yet durable: many share one commit of the target; the events bound the memory. */
const WRITES_IN_FLIGHT = { runs: 2000, events: 100_000 };

export type CopyProgress =
  | { phase: 'copy'; namespace: string; runs: number }
  | { phase: 'verify'; namespace: string; runs: number };

export interface NamespaceCopy {
  name: string;
  runs: number;
  open: number;
  closed: number;
  events: number;
  tasks: number;
  timers: number;
}

export interface CopySummary {
  namespaces: NamespaceCopy[];
  tokenKeys: number;
  apiKeys: number;
  runs: number;
  events: number;
  tasks: number;
  timers: number;
}

/** The target already holds data: a copy only goes into an empty store. */
export class TargetNotEmptyError extends Error {
  override name = 'TargetNotEmptyError';
}

/**
 * Copies every namespace, task-token key, API key and run (open and closed, with its history,
 * tasks and timers, each workflow id's current run kept current) from `from` to `to`, which
 * must be empty; then verifies the target against the source, rejecting with
 * CopyVerificationError naming what differs. Neither store may be in use by anything else.
 */
export async function copyStore(from: Store, to: Store, onProgress?: (p: CopyProgress) => void): Promise<CopySummary> {
  const namespaces = await from.listNamespaces();
  await refuseNonEmpty(to, namespaces.map((n) => n.name));
  for (const ns of namespaces) await to.putNamespace(ns);
  const tokenKeys = await from.getTokenKeys();
  if (tokenKeys.length > 0) await to.putTokenKeys(tokenKeys);
  const apiKeys = await from.listApiKeys();
  for (const key of apiKeys) await to.putApiKey(key);

  const rows = await rowsByRun(from);
  const fingerprints = new Map<string, RunFingerprint>();
  const copies: NamespaceCopy[] = [];
  const writes = new WriteWindow(WRITES_IN_FLIGHT.runs, WRITES_IN_FLIGHT.events);
  for (const { name } of namespaces) {
    const copy: NamespaceCopy = { name, runs: 0, open: 0, closed: 0, events: 0, tasks: 0, timers: 0 };
    for await (const page of runPages(from, name)) {
      await inParallel(page, READS_IN_FLIGHT, async (record) => {
        const id = runKeyOf(record);
        const events = await readWholeHistory(from, record);
        const current = (await from.getCurrentRun(record.namespace, record.workflowId))?.runId === record.runId;
        const tasks = rows.tasks.get(id) ?? [];
        const timers = rows.timers.get(id) ?? [];
        await writes.add(events.length, () => to.importRun({ record, events, tasks, timers, current }));
        fingerprints.set(id, fingerprintOf(record, events, tasks.length, timers.length, current));
        copy.runs++;
        if (record.status === 'RUNNING') copy.open++;
        else copy.closed++;
        copy.events += events.length;
        copy.tasks += tasks.length;
        copy.timers += timers.length;
      });
      await writes.drain();
      onProgress?.({ phase: 'copy', namespace: name, runs: copy.runs });
    }
    copies.push(copy);
  }
  const summary: CopySummary = {
    namespaces: copies,
    tokenKeys: tokenKeys.length,
    apiKeys: apiKeys.length,
    runs: sum(copies, 'runs'),
    events: sum(copies, 'events'),
    tasks: sum(copies, 'tasks'),
    timers: sum(copies, 'timers'),
  };
  // Rows of runs the listings did not return (no such run in the source) would be lost silently.
  if (summary.tasks !== rows.taskCount || summary.timers !== rows.timerCount) {
    throw new Error(
      `the source has ${rows.taskCount} task and ${rows.timerCount} timer rows, but its runs own ${summary.tasks} and ${summary.timers}: ` +
        'rows of runs that do not exist (or of a namespace with no record) were not copied',
    );
  }
  await verifyCopy(from, to, namespaces, fingerprints, summary, onProgress);
  return summary;
}

async function refuseNonEmpty(to: Store, sourceNamespaces: readonly string[]): Promise<void> {
  const found: string[] = [];
  const namespaces = await to.listNamespaces();
  if (namespaces.length > 0) found.push(`namespaces ${namespaces.map((n) => n.name).join(', ')}`);
  const names = new Set([...sourceNamespaces, ...namespaces.map((n) => n.name)]);
  let runs = 0;
  for (const name of names) runs += await to.countWorkflows(name);
  if (runs > 0) found.push(`${runs} run(s)`);
  if ((await to.listTasks(1)).length > 0) found.push('task rows');
  if ((await to.listTimers(Number.MAX_SAFE_INTEGER, 1)).length > 0) found.push('timer rows');
  const tokenKeys = await to.getTokenKeys();
  if (tokenKeys.length > 0) found.push(`${tokenKeys.length} task-token key(s)`);
  const apiKeys = await to.listApiKeys();
  if (apiKeys.length > 0) found.push(`${apiKeys.length} API key(s)`);
  if (found.length > 0) {
    throw new TargetNotEmptyError(`the target is not empty: it holds ${found.join('; ')}. Copy into a new, empty database (no engine may have opened it)`);
  }
}

function sum(copies: readonly NamespaceCopy[], field: 'runs' | 'events' | 'tasks' | 'timers'): number {
  return copies.reduce((n, c) => n + c[field], 0);
}
