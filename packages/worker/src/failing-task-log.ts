// How a worker tells about a workflow task that keeps failing. The engine retries such a task
// forever (every 10 s at most), in every worker on its queue, so logging each failure would
// repeat the same warning every few seconds for as long as the run lives. Instead: the first
// failure a worker sees of a run in full (error, stack, ids, attempt), then at attempts 2, 5, 10,
// 20, 50, 100… only, each time with the commands that inspect or end the run.
import { resolve } from 'node:path';
import { isPostgresAddress, type Failure, type WorkflowTask } from '@endure/protocol';
import { DEV_SERVER_ADDRESS } from '@endure/transport';
import type { Logger } from './logger.js';

/** The forms of the address the `endure` CLI uses without --address (the dev server's). */
const CLI_DEFAULT_ADDRESSES = new Set([DEV_SERVER_ADDRESS, `http://${DEV_SERVER_ADDRESS}`]);

/** Runs this worker has logged a failure of; bounded, so a long-lived worker does not grow. */
const REMEMBERED_RUNS = 10_000;

/** True for attempts 1, 2, 5, 10, 20, 50, 100, 200, 500, …: the failures logged again. */
export function isLoggedAttempt(attempt: number): boolean {
  if (!Number.isInteger(attempt) || attempt < 1) return false;
  let decade = 1;
  while (decade * 10 <= attempt) decade *= 10;
  return attempt === decade || attempt === 2 * decade || attempt === 5 * decade;
}

/** The next attempt after `attempt` that is logged. */
export function nextLoggedAttempt(attempt: number): number {
  let next = attempt + 1;
  while (!isLoggedAttempt(next)) next++;
  return next;
}

/** A word for a shell command line: as is when safe, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export class FailingTaskLog {
  private readonly logged = new Set<string>();

  constructor(
    private readonly logger: Logger,
    /** The worker's connection address, when it has one: the commands name it unless it is the CLI's default. */
    private readonly address: string | undefined,
  ) {}

  /** Logs this failure of `task` if it is the first this worker sees of the run, or at a logged attempt. */
  report(task: WorkflowTask, failure: Failure, nondeterminism: boolean): void {
    const meta = { workflowId: task.workflowId, runId: task.runId, workflowType: task.workflowType, attempt: task.attempt, nondeterminism };
    const first = !this.logged.has(task.runId);
    if (!first && !isLoggedAttempt(task.attempt)) {
      this.logger.debug(`workflow task failed again (attempt ${task.attempt}): ${failure.message}`, meta);
      return;
    }
    this.remember(task.runId);
    const what = `workflow '${task.workflowId}' (type '${task.workflowType}', run ${task.runId})`;
    const next = `next logged at attempt ${nextLoggedAttempt(task.attempt)}`;
    if (first) {
      const kind = nondeterminism ? 'workflow task failed: the workflow code no longer matches the run\'s history' : 'workflow task failed';
      this.logger.warn(
        [
          `${kind}, attempt ${task.attempt}, ${what}: ${failure.message}`,
          failure.stackTrace ?? '(no stack trace)',
          `The run is not failed: the task is retried with back-off, and the workflow continues once its code is fixed and its worker restarted (${next}).`,
          ...this.commands(task),
        ].join('\n'),
        meta,
      );
    } else {
      this.logger.warn(`workflow task still failing, attempt ${task.attempt}, ${what}: ${failure.message} (${next}). ${this.commands(task).join('; ')}`, meta);
    }
  }

  /** The CLI commands that show and end the run, as the user would type them. */
  private commands(task: WorkflowTask): string[] {
    const global: string[] = [];
    let note = '';
    const address = this.address;
    if (address !== undefined && !CLI_DEFAULT_ADDRESSES.has(address)) {
      if (address.startsWith('sqlite:')) {
        // An embedded engine: this process holds the database file, so the CLI can open it only
        // once this process has stopped.
        global.push('--address', shellWord(`sqlite:${resolve(address.slice('sqlite:'.length))}`));
        note = ' (once this process has stopped: it holds the database)';
      } else if (isPostgresAddress(address)) {
        // An embedded engine too, on a PostgreSQL schema; a password stays out of the log.
        global.push('--address', shellWord(address.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')));
        note = ' (once this process has stopped: it holds the database)';
      } else {
        global.push('--address', shellWord(address));
      }
    }
    if (task.namespace !== 'default') global.push('--namespace', shellWord(task.namespace));
    const run = ['--workflow-id', shellWord(task.workflowId), '--run-id', shellWord(task.runId)];
    const cmd = (...words: string[]) => ['endure', ...global, 'workflow', ...words, ...run].join(' ');
    return [`Inspect it${note}: ${cmd('show')}`, `End it${note}: ${cmd('terminate')}`];
  }

  private remember(runId: string): void {
    if (this.logged.size >= REMEMBERED_RUNS) this.logged.delete(this.logged.values().next().value!);
    this.logged.add(runId);
  }
}
