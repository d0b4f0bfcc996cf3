// What every store checks of an ImportRun before writing it, so each refuses the same inputs
// with the same words.
import type { ImportRun, RunKey } from './port.js';

/** Throws, naming the run and the first thing wrong, unless `r` is a whole, consistent run. */
export function checkImportRun(r: ImportRun): void {
  const k = r.record;
  const name = `run ${k.namespace}/${k.workflowId}/${k.runId}`;
  r.events.forEach((e, i) => {
    if (e.eventId !== i + 1) throw new Error(`importRun: ${name}: event at position ${i} has id ${e.eventId}, expected ${i + 1} (a history starts at 1, with no gap)`);
  });
  if (k.nextEventId !== r.events.length + 1) {
    throw new Error(`importRun: ${name}: record nextEventId ${k.nextEventId} does not follow its ${r.events.length} events (expected ${r.events.length + 1})`);
  }
  for (const row of [...r.tasks, ...r.timers]) {
    if (!sameRun(row, k)) throw new Error(`importRun: ${name}: carries a task or timer row of run ${row.namespace}/${row.workflowId}/${row.runId}`);
  }
}

function sameRun(a: RunKey, b: RunKey): boolean {
  return a.namespace === b.namespace && a.workflowId === b.workflowId && a.runId === b.runId;
}
