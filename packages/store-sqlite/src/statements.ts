// Every SQL statement the store runs, prepared once at open (preparing is costlier than running).
import type Database from 'better-sqlite3';
import type { EventRow, KeyParams, TaskDbRow, TimerDbRow, WorkflowRow } from './rows.js';
import { SearchAttributeStatements } from './search-attribute-rows.js';

const KEY = 'namespace = @namespace AND workflow_id = @workflow_id AND run_id = @run_id';
const TASK_COLS = 'namespace, workflow_id, run_id, task_id, task_queue, kind, visible_at';
const TIMER_COLS = 'namespace, workflow_id, run_id, timer_id, fire_at';
const WF_COLS = 'namespace, workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, state, crc';
/**
 * What reads return, from the workflows row aliased `w`: the written columns, the search
 * attributes (written separately) and the run's properties (their own table, looked up per row
 * returned, so a listing's scan is unchanged).
 */
export const WF_READ_COLS = `${WF_COLS.split(', ').map((c) => `w.${c}`).join(', ')}, w.search_attributes,
  (SELECT p.properties FROM run_properties p WHERE p.namespace = w.namespace AND p.workflow_id = w.workflow_id AND p.run_id = w.run_id) AS properties`;

type Stmt<P, R = unknown> = Database.Statement<[P], R>;

export class Statements {
  readonly insertWorkflow: Stmt<WorkflowRow>;
  /** Optimistic update: changes nothing unless next_event_id is still @expected. */
  readonly updateWorkflow: Stmt<WorkflowRow & { expected: number }>;
  /** The same for a run that stays RUNNING: leaves the listing indexes (status, times) alone. */
  readonly updateRunningWorkflow: Stmt<WorkflowRow & { expected: number }>;
  readonly getWorkflow: Stmt<KeyParams, WorkflowRow>;
  readonly getNextEventId: Stmt<KeyParams, number>;
  readonly getCurrentRunId: Stmt<{ namespace: string; workflow_id: string }, string>;
  readonly getCurrentRun: Stmt<{ namespace: string; workflow_id: string }, WorkflowRow>;
  readonly setCurrentRun: Stmt<KeyParams>;
  /** Creates or replaces a run's properties: (namespace, workflow_id, run_id, properties JSON). */
  readonly putProperties: Database.Statement<[string, string, string, string]>;
  /** Positional (namespace, workflow_id, run_id, event_id, event): no parameter object per event. */
  readonly insertEvent: Database.Statement<[string, string, string, number, string, number]>;
  readonly readHistory: Stmt<KeyParams & { from: number; limit: number }, EventRow>;
  readonly upsertTask: Stmt<TaskDbRow>;
  readonly deleteTask: Stmt<KeyParams & { task_id: string }>;
  readonly listTasks: Stmt<{ limit: number }, TaskDbRow>;
  readonly listTasksAfter: Stmt<TaskDbRow & { limit: number }, TaskDbRow>;
  readonly upsertTimer: Stmt<TimerDbRow>;
  readonly deleteTimer: Stmt<KeyParams & { timer_id: string }>;
  readonly listTimers: Stmt<{ before: number; limit: number }, TimerDbRow>;
  readonly searchAttributes: SearchAttributeStatements;

  constructor(db: Database.Database) {
    const prep = <P, R = unknown>(sql: string): Stmt<P, R> => db.prepare<[P], R>(sql);
    this.insertWorkflow = prep(
      `INSERT INTO workflows (${WF_COLS}) VALUES (@namespace, @workflow_id, @run_id, @workflow_type, @task_queue, @status, @start_time, @close_time, @next_event_id, @state, @crc)`,
    );
    this.updateWorkflow = prep(
      `UPDATE workflows SET status = @status, close_time = @close_time, next_event_id = @next_event_id, state = @state, crc = @crc
       WHERE ${KEY} AND next_event_id = @expected`,
    );
    this.updateRunningWorkflow = prep(
      `UPDATE workflows SET next_event_id = @next_event_id, state = @state, crc = @crc WHERE ${KEY} AND next_event_id = @expected AND status = 'RUNNING'`,
    );
    this.getWorkflow = prep(`SELECT ${WF_READ_COLS} FROM workflows w WHERE w.namespace = @namespace AND w.workflow_id = @workflow_id AND w.run_id = @run_id`);
    this.getNextEventId = prep<KeyParams, number>(`SELECT next_event_id FROM workflows WHERE ${KEY}`).pluck();
    this.getCurrentRunId = prep<{ namespace: string; workflow_id: string }, string>(
      'SELECT run_id FROM current_runs WHERE namespace = @namespace AND workflow_id = @workflow_id',
    ).pluck();
    this.getCurrentRun = prep(
      `SELECT ${WF_READ_COLS} FROM current_runs c
       JOIN workflows w ON w.namespace = c.namespace AND w.workflow_id = c.workflow_id AND w.run_id = c.run_id
       WHERE c.namespace = @namespace AND c.workflow_id = @workflow_id`,
    );
    this.setCurrentRun = prep(
      `INSERT INTO current_runs (namespace, workflow_id, run_id) VALUES (@namespace, @workflow_id, @run_id)
       ON CONFLICT (namespace, workflow_id) DO UPDATE SET run_id = excluded.run_id`,
    );
    this.putProperties = db.prepare<[string, string, string, string]>(
      `INSERT INTO run_properties (namespace, workflow_id, run_id, properties) VALUES (?, ?, ?, ?)
       ON CONFLICT (namespace, workflow_id, run_id) DO UPDATE SET properties = excluded.properties`,
    );
    this.insertEvent = db.prepare<[string, string, string, number, string, number]>('INSERT INTO history (namespace, workflow_id, run_id, event_id, event, crc) VALUES (?, ?, ?, ?, ?, ?)');
    this.readHistory = prep(`SELECT event_id, event, crc FROM history WHERE ${KEY} AND event_id >= @from ORDER BY event_id LIMIT @limit`);
    this.upsertTask = prep(
      `INSERT INTO tasks (${TASK_COLS}) VALUES (@namespace, @workflow_id, @run_id, @task_id, @task_queue, @kind, @visible_at)
       ON CONFLICT (namespace, workflow_id, run_id, task_id)
       DO UPDATE SET task_queue = excluded.task_queue, kind = excluded.kind, visible_at = excluded.visible_at`,
    );
    this.deleteTask = prep(`DELETE FROM tasks WHERE ${KEY} AND task_id = @task_id`);
    const taskOrder = 'ORDER BY visible_at, namespace, workflow_id, run_id, task_id LIMIT @limit';
    this.listTasks = prep(`SELECT ${TASK_COLS} FROM tasks ${taskOrder}`);
    // Keyset pagination: a row-value comparison the tasks_by_visible_at index can seek to.
    this.listTasksAfter = prep(
      `SELECT ${TASK_COLS} FROM tasks
       WHERE (visible_at, namespace, workflow_id, run_id, task_id) > (@visible_at, @namespace, @workflow_id, @run_id, @task_id)
       ${taskOrder}`,
    );
    this.upsertTimer = prep(
      `INSERT INTO timers (${TIMER_COLS}) VALUES (@namespace, @workflow_id, @run_id, @timer_id, @fire_at)
       ON CONFLICT (namespace, workflow_id, run_id, timer_id) DO UPDATE SET fire_at = excluded.fire_at`,
    );
    this.deleteTimer = prep(`DELETE FROM timers WHERE ${KEY} AND timer_id = @timer_id`);
    this.searchAttributes = new SearchAttributeStatements(db);
    this.listTimers = prep(
      `SELECT ${TIMER_COLS} FROM timers WHERE fire_at < @before ORDER BY fire_at, namespace, workflow_id, run_id, timer_id LIMIT @limit`,
    );
  }
}
