// `workflow start` and `workflow execute`.
import { randomUUID } from 'node:crypto';
import { Option, InvalidArgumentError, type Command } from 'commander';
import { collectJson, collectKeyValue, durationMs } from '../../input.js';
import { outputOption, printFields, printJson, type OutputFormat } from '../../output.js';
import { withClient, type CommandContext } from '../../context.js';
import { printOutcome } from './outcome.js';

interface StartFlags {
  type: string;
  taskQueue: string;
  workflowId?: string;
  input?: unknown[];
  executionTimeout?: number;
  runTimeout?: number;
  taskTimeout?: number;
  idReusePolicy?: 'ALLOW_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY' | 'REJECT_DUPLICATE' | 'TERMINATE_IF_RUNNING';
  idConflictPolicy?: 'FAIL' | 'USE_EXISTING' | 'TERMINATE_EXISTING';
  memo?: Record<string, unknown>;
  searchAttribute?: Record<string, unknown>;
  output: OutputFormat;
}

/** Accepts Temporal's spellings too (AllowDuplicate, UseExisting) and normalises to ours. */
function policy<T extends string>(flag: string, allowed: readonly T[]) {
  return (text: string): T => {
    const upper = text.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase() as T;
    if (!allowed.includes(upper)) throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')}; got '${text}'`);
    return upper;
  };
}

function addStartOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--type <name>', 'workflow type: the name of the exported workflow function')
    .requiredOption('-t, --task-queue <name>', 'task queue a worker polls')
    .option('-w, --workflow-id <id>', 'business id of the workflow (default: a random UUID)')
    .option('-i, --input <json>', 'one workflow argument as JSON; repeat for several', collectJson('--input'))
    .option('--execution-timeout <duration>', "limit for the whole chain of runs, e.g. '1h'", durationMs('--execution-timeout'))
    .option('--run-timeout <duration>', 'limit for one run', durationMs('--run-timeout'))
    .option('--task-timeout <duration>', 'limit for one workflow task', durationMs('--task-timeout'))
    .addOption(new Option('--id-reuse-policy <policy>', 'ALLOW_DUPLICATE | ALLOW_DUPLICATE_FAILED_ONLY | REJECT_DUPLICATE | TERMINATE_IF_RUNNING').argParser(policy('--id-reuse-policy', ['ALLOW_DUPLICATE', 'ALLOW_DUPLICATE_FAILED_ONLY', 'REJECT_DUPLICATE', 'TERMINATE_IF_RUNNING'] as const)))
    .addOption(new Option('--id-conflict-policy <policy>', 'FAIL | USE_EXISTING | TERMINATE_EXISTING').argParser(policy('--id-conflict-policy', ['FAIL', 'USE_EXISTING', 'TERMINATE_EXISTING'] as const)))
    .option('--memo <KEY=JSON>', 'a memo entry; repeat for several', collectKeyValue('--memo'))
    .option('--search-attribute <KEY=JSON>', 'a search attribute; repeat for several', collectKeyValue('--search-attribute'))
    .addOption(outputOption());
}

async function startWorkflow(ctx: CommandContext, f: StartFlags) {
  const workflowId = f.workflowId ?? randomUUID();
  const handle = await ctx.client.workflow.start(f.type, {
    taskQueue: f.taskQueue,
    workflowId,
    args: f.input ?? [],
    workflowExecutionTimeout: f.executionTimeout,
    workflowRunTimeout: f.runTimeout,
    workflowTaskTimeout: f.taskTimeout,
    workflowIdReusePolicy: f.idReusePolicy,
    workflowIdConflictPolicy: f.idConflictPolicy,
    memo: f.memo,
    searchAttributes: f.searchAttribute,
  });
  const fields = { workflowId, runId: handle.firstExecutionRunId, type: f.type, namespace: ctx.namespace, taskQueue: f.taskQueue };
  return { handle, fields };
}

const label = (fields: Record<string, string>): [string, string][] => [
  ['WorkflowId', fields['workflowId']!],
  ['RunId', fields['runId']!],
  ['Type', fields['type']!],
  ['Namespace', fields['namespace']!],
  ['TaskQueue', fields['taskQueue']!],
];

export function registerStart(workflow: Command): void {
  addStartOptions(workflow.command('start').description('start a workflow and print its ids (does not wait)')).action(async (f: StartFlags, cmd: Command) => {
    const { fields } = await withClient(cmd, (ctx) => startWorkflow(ctx, f));
    if (f.output === 'json') printJson(fields);
    else printFields(label(fields));
  });

  addStartOptions(workflow.command('execute').description('start a workflow, wait for it, and print its result (exit 1 if it fails)')).action(async (f: StartFlags, cmd: Command) => {
    await withClient(cmd, async (ctx) => {
      const { handle, fields } = await startWorkflow(ctx, f);
      await printOutcome(handle, f.output, f.output === 'json' ? fields : Object.fromEntries(label(fields)));
    });
  });
}
