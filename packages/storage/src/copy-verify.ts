// After a copy, the target is read back through the port and checked against what the copy read
// from the source: the same namespaces, keys and runs, each run with the same record, the same
// history (count and content), the same number of task and timer rows, and the same current run.
import type { NamespaceRecord, Store } from './port.js';
import type { CopyProgress, CopySummary } from './copy-store.js';
import { HistoryDigest, canonicalJson, digestOf, type RunFingerprint } from './copy-fingerprint.js';
import { HISTORY_PAGE, READS_IN_FLIGHT, inParallel, rowsByRun, runKeyOf, runPages } from './copy-reads.js';

const MAX_LISTED = 10;

/** The target does not hold what was copied; the message lists the differences found. */
export class CopyVerificationError extends Error {
  override name = 'CopyVerificationError';
  constructor(readonly differences: string[]) {
    const shown = differences.slice(0, MAX_LISTED).join('; ');
    const more = differences.length > MAX_LISTED ? ` (and ${differences.length - MAX_LISTED} more)` : '';
    super(`the copy does not match its source: ${shown}${more}`);
  }
}

export async function verifyCopy(
  from: Store,
  to: Store,
  namespaces: readonly NamespaceRecord[],
  expected: ReadonlyMap<string, RunFingerprint>,
  summary: CopySummary,
  onProgress?: (p: CopyProgress) => void,
): Promise<void> {
  const diffs: string[] = [];
  const same = async (what: string, read: (s: Store) => Promise<unknown>) => {
    if (canonicalJson(await read(from)) !== canonicalJson(await read(to))) diffs.push(`${what} differ`);
  };
  await same('namespaces', (s) => s.listNamespaces());
  await same('task-token keys', (s) => s.getTokenKeys());
  await same('API keys', (s) => s.listApiKeys());

  const rows = await rowsByRun(to);
  if (rows.taskCount !== summary.tasks) diffs.push(`the target has ${rows.taskCount} task rows, the source ${summary.tasks}`);
  if (rows.timerCount !== summary.timers) diffs.push(`the target has ${rows.timerCount} timer rows, the source ${summary.timers}`);
  const seen = new Set<string>();
  for (const { name } of namespaces) {
    const [source, target] = [await from.countWorkflows(name), await to.countWorkflows(name)];
    if (source !== target) diffs.push(`namespace ${name} has ${target} runs in the target, ${source} in the source`);
    let checked = 0;
    for await (const page of runPages(to, name)) {
      await inParallel(page, READS_IN_FLIGHT, async (record) => {
        const id = runKeyOf(record);
        const run = `run ${record.namespace}/${record.workflowId}/${record.runId}`;
        seen.add(id);
        const want = expected.get(id);
        if (!want) return void diffs.push(`${run} is in the target only`);
        const history = new HistoryDigest();
        for (let page = HISTORY_PAGE; page === HISTORY_PAGE; ) {
          const events = await to.readHistory(record, history.count + 1, HISTORY_PAGE);
          history.add(events);
          page = events.length;
        }
        const current = (await to.getCurrentRun(record.namespace, record.workflowId))?.runId === record.runId;
        const got = { nextEventId: record.nextEventId, events: history.count, tasks: rows.tasks.get(id)?.length ?? 0, timers: rows.timers.get(id)?.length ?? 0, current };
        for (const field of ['nextEventId', 'events', 'tasks', 'timers', 'current'] as const) {
          if (got[field] !== want[field]) diffs.push(`${run} has ${field} ${String(got[field])} in the target, ${String(want[field])} in the source`);
        }
        if (digestOf(record) !== want.record) diffs.push(`${run} has another record in the target`);
        if (history.count === want.events && history.digest() !== want.history) diffs.push(`${run} has other history events in the target`);
      });
      checked += page.length;
      onProgress?.({ phase: 'verify', namespace: name, runs: checked });
    }
  }
  for (const id of expected.keys()) {
    if (!seen.has(id)) diffs.push(`run ${(JSON.parse(id) as string[]).join('/')} is missing from the target`);
  }
  if (diffs.length > 0) throw new CopyVerificationError(diffs);
}
