// `workflow cancel` and `workflow terminate`.
import type { Command } from 'commander';
import { outputOption, print, printJson, type OutputFormat } from '../../output.js';
import { withClient } from '../../context.js';

interface ControlFlags {
  workflowId: string;
  runId?: string;
  reason?: string;
  output: OutputFormat;
}

function controlCommand(workflow: Command, name: string, description: string): Command {
  return workflow
    .command(name)
    .description(description)
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .option('--reason <text>', 'why, recorded in history')
    .addOption(outputOption());
}

export function registerControl(workflow: Command): void {
  controlCommand(workflow, 'cancel', 'ask a workflow to cancel (its code may clean up first)').action(async (f: ControlFlags, cmd: Command) => {
    await withClient(cmd, ({ client }) => client.workflow.getHandle(f.workflowId, f.runId).cancel(f.reason));
    if (f.output === 'json') printJson({ workflowId: f.workflowId, cancelRequested: true });
    else print(`Cancellation requested for workflow '${f.workflowId}'.`);
  });

  controlCommand(workflow, 'terminate', 'end a workflow at once (no workflow code runs)').action(async (f: ControlFlags, cmd: Command) => {
    await withClient(cmd, ({ client }) => client.workflow.getHandle(f.workflowId, f.runId).terminate(f.reason));
    if (f.output === 'json') printJson({ workflowId: f.workflowId, terminated: true });
    else print(`Workflow '${f.workflowId}' terminated.`);
  });
}
