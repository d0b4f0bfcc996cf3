// `workflow signal`, `workflow query` and `workflow update`.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { WorkflowHandle } from '@endure/client';
import { collectJson, durationMs } from '../../input.js';
import { outputOption, print, printJson, type OutputFormat } from '../../output.js';
import { withClient } from '../../context.js';

interface MessageFlags {
  workflowId: string;
  runId?: string;
  name: string;
  input?: unknown[];
  output: OutputFormat;
}

function messageCommand(workflow: Command, name: string, description: string): Command {
  return workflow
    .command(name)
    .description(description)
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .requiredOption('--name <name>', `${name} name, as the workflow defines it`)
    .option('-i, --input <json>', 'one argument as JSON; repeat for several', collectJson('--input'))
    .addOption(outputOption());
}

const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value, null, 2));

export function registerMessages(workflow: Command): void {
  messageCommand(workflow, 'signal', 'send a signal to a workflow').action(async (f: MessageFlags, cmd: Command) => {
    await withClient(cmd, ({ client }) => client.workflow.getHandle(f.workflowId, f.runId).signal(f.name, ...(f.input ?? [])));
    if (f.output === 'json') printJson({ workflowId: f.workflowId, signal: f.name, sent: true });
    else print(`Signal '${f.name}' sent to workflow '${f.workflowId}'.`);
  });

  messageCommand(workflow, 'query', "query a workflow's state and print the answer").action(async (f: MessageFlags, cmd: Command) => {
    const result = await withClient(cmd, ({ client }) => client.workflow.getHandle(f.workflowId, f.runId).query(f.name, ...(f.input ?? [])));
    if (f.output === 'json') printJson({ workflowId: f.workflowId, query: f.name, result: result ?? null });
    else print(show(result));
  });

  messageCommand(workflow, 'update', 'run an update on a workflow and print its result (exit 1 if it is rejected or fails)')
    .option('--update-id <id>', 'id that makes retries of the same update safe (default: a random UUID)')
    .option('--timeout <duration>', "give up after this long, e.g. '30s' (the update is not cancelled: it may still run); default: wait until it completes", durationMs('--timeout'))
    .action(async (f: UpdateFlags, cmd: Command) => {
      const updateId = f.updateId ?? randomUUID();
      const result = await withClient(cmd, ({ client, connection }) => {
        const run = () => runUpdate(client.workflow.getHandle(f.workflowId, f.runId), f, updateId);
        return f.timeout === undefined ? run() : connection.withDeadline(Date.now() + f.timeout, run);
      });
      if (f.output === 'json') printJson({ workflowId: f.workflowId, update: f.name, updateId, result: result ?? null });
      else print(show(result));
    });
}

type UpdateFlags = MessageFlags & { updateId?: string; timeout?: number };

/** How long an update may wait for a worker to accept it before the CLI says what it waits for. */
const WAITING_NOTICE_MS = 1_000;

/**
 * Runs the update; when no worker accepts it at once, says on stderr which task queue it waits
 * on (and, when no worker polls that queue, which ones they do poll), rather than hang silently.
 */
async function runUpdate(handle: WorkflowHandle, f: UpdateFlags, updateId: string): Promise<unknown> {
  let waiting = true;
  const notice = setTimeout(() => {
    handle.describe().then(
      (d) => {
        if (!waiting) return; // accepted meanwhile
        const why = d.taskQueuePolling?.hint ? ` (${d.taskQueuePolling.hint})` : '';
        process.stderr.write(`waiting for a worker on task queue '${d.taskQueue}' to accept update '${f.name}'…${why}\n`);
      },
      () => {}, // the update's own outcome reports any error
    );
  }, WAITING_NOTICE_MS);
  let accepted;
  try {
    accepted = await handle.startUpdate(f.name, { args: f.input ?? [], updateId });
  } finally {
    waiting = false;
    clearTimeout(notice);
  }
  return accepted.result();
}
