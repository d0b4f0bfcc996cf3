// `workflow list`, `workflow count` and `workflow describe`.
import type { Command } from 'commander';
import type { WorkflowExecutionInfo } from '@endure/client';
import { positiveInt } from '../../input.js';
import { inline, isoTime, outputOption, print, printFields, printJson, printTable, sentence, type OutputFormat } from '../../output.js';
import { withClient } from '../../context.js';

/** A listed run as --output json shows it: every key always present (null when not set). */
function executionJson(x: WorkflowExecutionInfo) {
  return {
    workflowId: x.workflowId,
    runId: x.runId,
    type: x.type,
    taskQueue: x.taskQueue,
    status: x.raw.status,
    startTime: isoTime(x.raw.startTime),
    closeTime: x.raw.closeTime === undefined ? null : isoTime(x.raw.closeTime),
    historyLength: x.historyLength,
    memo: x.memo,
    searchAttributes: x.searchAttributes,
  };
}

export function registerRead(workflow: Command): void {
  workflow
    .command('list')
    .description('list workflow runs, newest first')
    .option('-q, --query <filter>', `filter, e.g. "WorkflowType = 'order' AND ExecutionStatus = 'Running'"`)
    .option('--limit <n>', 'show at most n runs', positiveInt('--limit'))
    .addOption(outputOption())
    .action(async (f: { query?: string; limit?: number; output: OutputFormat }, cmd: Command) => {
      const runs = await withClient(cmd, async ({ client }) => {
        const out: WorkflowExecutionInfo[] = [];
        const pageSize = Math.min(f.limit ?? 100, 1000);
        for await (const x of client.workflow.list({ query: f.query, pageSize })) {
          out.push(x);
          if (f.limit !== undefined && out.length >= f.limit) break; // before the next page is fetched
        }
        return out;
      });
      if (f.output === 'json') return printJson({ executions: runs.map(executionJson) });
      if (runs.length === 0) return print('No workflows found.');
      printTable(
        ['Status', 'Workflow Id', 'Type', 'Task Queue', 'Start Time', 'Close Time'],
        runs.map((x) => [x.raw.status, x.workflowId, x.type, x.taskQueue, isoTime(x.raw.startTime), isoTime(x.raw.closeTime)]),
      );
    });

  workflow
    .command('count')
    .description('count workflow runs matching a filter')
    .option('-q, --query <filter>', 'filter, as for `workflow list`')
    .addOption(outputOption())
    .action(async (f: { query?: string; output: OutputFormat }, cmd: Command) => {
      const { count } = await withClient(cmd, ({ client }) => client.workflow.count(f.query));
      if (f.output === 'json') printJson({ count });
      else print(`Total: ${count}`);
    });

  workflow
    .command('describe')
    .description('show a run: status, times, pending activities and workflow task')
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .addOption(outputOption())
    .action(async (f: { workflowId: string; runId?: string; output: OutputFormat }, cmd: Command) => {
      // The engine's description (raw) with the memo and search attributes decoded.
      const d = await withClient(cmd, async ({ client }) => {
        const { raw, memo, searchAttributes } = await client.workflow.getHandle(f.workflowId, f.runId).describe();
        return { ...raw, memo, searchAttributes };
      });
      if (f.output === 'json') {
        return printJson({
          ...d,
          startTime: isoTime(d.startTime),
          closeTime: d.closeTime === undefined ? null : isoTime(d.closeTime),
          pendingWorkflowTask: d.pendingWorkflowTask ?? null,
          taskQueuePolling: d.taskQueuePolling ?? null,
        });
      }
      printFields([
        ['WorkflowId', d.workflowId],
        ['RunId', d.runId],
        ['Type', d.workflowType],
        ['Namespace', d.namespace],
        ['TaskQueue', d.taskQueue],
        ['Status', d.status],
        ['StartTime', isoTime(d.startTime)],
        ['CloseTime', isoTime(d.closeTime)],
        ['HistoryLength', d.historyLength],
        ['Memo', Object.keys(d.memo).length ? inline(d.memo) : undefined],
        ['SearchAttributes', Object.keys(d.searchAttributes).length ? inline(d.searchAttributes) : undefined],
      ]);
      if (d.pendingActivities.length) {
        print('\nPending activities:');
        printTable(
          ['Activity Id', 'Type', 'State', 'Attempt', 'Last Failure'],
          d.pendingActivities.map((a) => [a.activityId, a.activityType, a.state, String(a.attempt), inline(a.lastFailure?.message ?? '', 80)]),
        );
      }
      const t = d.pendingWorkflowTask;
      if (t) print(`\nPending workflow task: ${t.state}, attempt ${t.attempt}${t.lastFailure ? `, last failure: ${inline(t.lastFailure.message, 200)}` : ''}`);
      if (d.taskQueuePolling?.hint) print(`\n${sentence(d.taskQueuePolling.hint)}`);
    });
}
