// A minimal in-memory Store, used only to check that the conformance suite asks nothing
// SQLite-specific. It applies each mutation synchronously at call time, which trivially gives
// call order; the `Data` lives in the harness so a "reopened" store sees what was acknowledged.
import type { HistoryEvent } from '@endure/protocol';
import {
  CurrentRunConflictError,
  VersionConflictError,
  type CreateWorkflow,
  type RunKey,
  type Store,
  type TaskRow,
  type TimerRow,
  type UpdateWorkflow,
  type WorkflowRecord,
} from '../src/index.js';

export interface Data {
  runs: Map<string, WorkflowRecord>;
  current: Map<string, string>;
  history: Map<string, HistoryEvent[]>;
  tasks: Map<string, TaskRow>;
  timers: Map<string, TimerRow>;
}

export function emptyData(): Data {
  return { runs: new Map(), current: new Map(), history: new Map(), tasks: new Map(), timers: new Map() };
}

const runId = (k: RunKey): string => JSON.stringify([k.namespace, k.workflowId, k.runId]);
const rowId = (k: RunKey, id: string): string => JSON.stringify([k.namespace, k.workflowId, k.runId, id]);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const taskOrder = (a: TaskRow, b: TaskRow): number =>
  a.visibleAt - b.visibleAt || cmp(a.namespace, b.namespace) || cmp(a.workflowId, b.workflowId) || cmp(a.runId, b.runId) || cmp(a.taskId, b.taskId);

export class MemoryStore implements Store {
  private closed = false;
  constructor(private readonly d: Data) {}

  createWorkflow(c: CreateWorkflow): Promise<void> {
    return this.mutate(() => this.create(c));
  }

  private create(c: CreateWorkflow): void {
    {
      const { namespace, workflowId } = c.record;
      const idKey = JSON.stringify([namespace, workflowId]);
      const current = this.d.current.get(idKey) ?? null;
      if (current !== c.expectedCurrentRunId) throw new CurrentRunConflictError(namespace, workflowId, current);
      if (this.d.runs.has(runId(c.record))) throw new Error('run exists');
      this.d.runs.set(runId(c.record), structuredClone(c.record));
      this.d.current.set(idKey, c.record.runId);
      this.d.history.set(runId(c.record), structuredClone(c.events));
      this.rows(c.record, c.tasks, [], c.timers, []);
    }
  }

  updateWorkflow(u: UpdateWorkflow): Promise<void> {
    return this.mutate(() => {
      const actual = this.d.runs.get(runId(u.key))?.nextEventId;
      if (actual !== u.expectedNextEventId) throw new VersionConflictError(u.key, u.expectedNextEventId, actual);
      // Atomic: check the successor's compare-and-set before changing anything.
      const next = u.continueAsNew;
      if (next) {
        const current = this.d.current.get(JSON.stringify([next.record.namespace, next.record.workflowId])) ?? null;
        if (current !== next.expectedCurrentRunId) throw new CurrentRunConflictError(next.record.namespace, next.record.workflowId, current);
      }
      this.d.runs.set(runId(u.key), structuredClone(u.record));
      this.d.history.get(runId(u.key))?.push(...structuredClone(u.events));
      this.rows(u.key, u.upsertTasks, u.deleteTasks, u.upsertTimers, u.deleteTimers);
      if (next) this.create(next);
    });
  }

  getWorkflow(key: RunKey): Promise<WorkflowRecord | undefined> {
    return this.read(() => this.d.runs.get(runId(key)));
  }

  getCurrentRun(namespace: string, workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.read(() => {
      const run = this.d.current.get(JSON.stringify([namespace, workflowId]));
      return run === undefined ? undefined : this.d.runs.get(runId({ namespace, workflowId, runId: run }));
    });
  }

  readHistory(key: RunKey, fromEventId = 1, limit = Infinity): Promise<HistoryEvent[]> {
    return this.read(() => (this.d.history.get(runId(key)) ?? []).filter((e) => e.eventId >= fromEventId).slice(0, limit));
  }

  listTimers(before: number, limit: number): Promise<TimerRow[]> {
    return this.read(() => [...this.d.timers.values()].filter((t) => t.fireAt < before).sort((a, b) => a.fireAt - b.fireAt).slice(0, limit));
  }

  listTasks(limit: number, after?: TaskRow): Promise<TaskRow[]> {
    const all = [...this.d.tasks.values()].sort(taskOrder);
    return this.read(() => all.filter((t) => !after || taskOrder(t, after) > 0).slice(0, limit));
  }

  // TODO(issue 4, visibility helper): implement; placeholders so the tree compiles meanwhile.
  listWorkflows(): Promise<never> {
    return Promise.reject(new Error('listWorkflows: not implemented yet'));
  }
  countWorkflows(): Promise<number> {
    return Promise.reject(new Error('countWorkflows: not implemented yet'));
  }
  putNamespace(): Promise<void> {
    return Promise.reject(new Error('putNamespace: not implemented yet'));
  }
  getNamespace(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  listNamespaces(): Promise<never[]> {
    return Promise.resolve([]);
  }
  deleteClosedRuns(): Promise<number> {
    return Promise.resolve(0);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private rows(k: RunKey, upTasks: TaskRow[] = [], delTasks: string[] = [], upTimers: TimerRow[] = [], delTimers: string[] = []): void {
    for (const id of delTasks) this.d.tasks.delete(rowId(k, id));
    for (const id of delTimers) this.d.timers.delete(rowId(k, id));
    for (const t of upTasks) this.d.tasks.set(rowId(t, t.taskId), structuredClone(t));
    for (const t of upTimers) this.d.timers.set(rowId(t, t.timerId), structuredClone(t));
  }

  private mutate(fn: () => void): Promise<void> {
    return new Promise((done) => {
      if (this.closed) throw new Error('closed');
      fn();
      done();
    });
  }

  private read<T>(fn: () => T): Promise<T> {
    return new Promise((done) => {
      if (this.closed) throw new Error('closed');
      done(structuredClone(fn()));
    });
  }
}
