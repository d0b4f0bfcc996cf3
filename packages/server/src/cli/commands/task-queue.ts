// `endure task-queue describe`.
import type { Command } from 'commander';
import type { TaskQueuePoller } from '@endure/client';
import { isoTime, outputOption, print, printJson, printTable, sentence, type OutputFormat } from '../output.js';
import { withClient } from '../context.js';

export function registerTaskQueueCommands(program: Command): void {
  const tq = program.command('task-queue').description('inspect task queues');

  tq.command('describe')
    .description('show the workers polling a task queue and how many tasks wait in it')
    .requiredOption('-t, --task-queue <name>', 'task queue name')
    .addOption(outputOption())
    .action(async (f: { taskQueue: string; output: OutputFormat }, cmd: Command) => {
      const d = await withClient(cmd, ({ client }) => client.taskQueue.describe(f.taskQueue));
      const pollersJson = (ps: TaskQueuePoller[]) => ps.map((p) => ({ identity: p.identity, lastAccessTime: isoTime(p.lastAccessTime) }));
      if (f.output === 'json') {
        return printJson({
          taskQueue: f.taskQueue,
          workflow: { backlog: d.workflow.backlog, pollers: pollersJson(d.workflow.pollers) },
          activity: { backlog: d.activity.backlog, pollers: pollersJson(d.activity.pollers) },
          polling: d.polling,
        });
      }
      print(`Task queue '${f.taskQueue}': ${d.workflow.backlog} workflow task(s) and ${d.activity.backlog} activity task(s) waiting.`);
      const pollers = [
        ...d.workflow.pollers.map((p) => ['workflow', p.identity, isoTime(p.lastAccessTime)]),
        ...d.activity.pollers.map((p) => ['activity', p.identity, isoTime(p.lastAccessTime)]),
      ];
      if (pollers.length > 0) printTable(['Kind', 'Identity', 'Last Access Time'], pollers);
      // Not polled lately (a mistyped name, or no worker started): say so, and what is polled.
      if (d.polling.hint) print(sentence(d.polling.hint));
    });
}
