// `workflow result`: wait for a workflow to close and print how it ended.
import type { Command } from 'commander';
import { outputOption, type OutputFormat } from '../../output.js';
import { withClient } from '../../context.js';
import { printOutcome } from './outcome.js';

export function registerResult(workflow: Command): void {
  workflow
    .command('result')
    .description('wait for a workflow to close and print its result (exit 1 if it did not complete)')
    .requiredOption('-w, --workflow-id <id>', 'workflow id')
    .option('-r, --run-id <id>', 'run id (default: the latest run)')
    .addOption(outputOption())
    .action(async (f: { workflowId: string; runId?: string; output: OutputFormat }, cmd: Command) => {
      await withClient(cmd, ({ client }) => printOutcome(client.workflow.getHandle(f.workflowId, f.runId), f.output));
    });
}
