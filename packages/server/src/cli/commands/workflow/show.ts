// `workflow show`: a run's event history, optionally following it until it closes.
import type { Command } from 'commander';
import type { HistoryEvent } from '@endure/protocol';
import { outputOption, print, printJson, type OutputFormat } from '../../output.js';
import { withClient } from '../../context.js';
import { CLOSE_EVENT_TYPES } from '@endure/protocol';
import { formatEvent } from '../../history-format.js';

interface ShowFlags {
  workflowId: string;
  runId?: string;
  follow?: boolean;
  output: OutputFormat;
}

export function registerShow(workflow: Command): void {
  workflow
    .command('show')
    .description("print a run's event history")
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .option('-f, --follow', 'keep printing new events until the run closes')
    .addOption(outputOption())
    .action(async (f: ShowFlags, cmd: Command) => {
      await withClient(cmd, async ({ connection, namespace }) => {
        const all: HistoryEvent[] = [];
        let runId = f.runId;
        const emit = (events: HistoryEvent[]) => {
          all.push(...events);
          if (f.output === 'table') for (const e of events) print(formatEvent(e, 4));
        };
        const closed = () => all.length > 0 && CLOSE_EVENT_TYPES.has(all.at(-1)!.type);
        let warned = false;
        // A run whose workflow task no worker takes shows no progress, and says nothing on its own.
        const warnIfNoWorker = async () => {
          if (warned || closed()) return;
          const d = await connection.engine.describeWorkflow({ namespace, workflowId: f.workflowId, runId });
          const hint = d.pendingWorkflowTask && d.pendingWorkflowTask.state !== 'STARTED' ? d.taskQueuePolling?.hint : undefined;
          if (!hint) return;
          warned = true;
          process.stderr.write(`The run is waiting for a worker: ${hint}\n`);
        };
        const first = await connection.engine.getHistory({ namespace, workflowId: f.workflowId, runId });
        runId = first.runId;
        emit(first.events);
        await warnIfNoWorker();
        while (f.follow && !closed()) {
          const next = await connection.engine.getHistory({ namespace, workflowId: f.workflowId, runId, fromEventId: all.length + 1, waitNewEvent: true, timeoutMs: 30_000 });
          emit(next.events);
          if (next.events.length === 0) await warnIfNoWorker();
        }
        if (f.output === 'json') printJson({ workflowId: f.workflowId, runId, events: all });
      });
    });
}
