// `workflow signal`, `workflow query` and `workflow update`.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { collectJson } from '../../input.js';
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
    .action(async (f: MessageFlags & { updateId?: string }, cmd: Command) => {
      const updateId = f.updateId ?? randomUUID();
      const result = await withClient(cmd, ({ client }) => client.workflow.getHandle(f.workflowId, f.runId).executeUpdate(f.name, { args: f.input ?? [], updateId }));
      if (f.output === 'json') printJson({ workflowId: f.workflowId, update: f.name, updateId, result: result ?? null });
      else print(show(result));
    });
}
