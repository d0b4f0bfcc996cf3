// Rows as PostgreSQL returns them, and their conversion to the port's records (checked).
import type { WorkflowStatus } from '@endure/protocol';
import type { RunProperties, TaskRow, TimerRow, WorkflowRecord } from '@endure/storage';
import { checkRecord } from './integrity.js';

/** What record reads select, from `workflows w`. */
export const RECORD_COLUMNS =
  'w.namespace, w.workflow_id, w.run_id, w.workflow_type, w.task_queue, w.status, w.start_time, w.close_time, w.next_event_id, w.state, w.crc, w.search_attributes, w.properties';

export interface WorkflowDbRow {
  namespace: string;
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  task_queue: string;
  status: string;
  start_time: number;
  close_time: number | null;
  next_event_id: number;
  state: string;
  crc: number;
  search_attributes: string | null;
  properties: string | null;
}

export function fromWorkflowRow(r: WorkflowDbRow, where: string): WorkflowRecord {
  const rec: WorkflowRecord = {
    namespace: r.namespace,
    workflowId: r.workflow_id,
    runId: r.run_id,
    workflowType: r.workflow_type,
    taskQueue: r.task_queue,
    // Only ever written from a WorkflowStatus (and covered by the checksum).
    status: r.status as WorkflowStatus,
    startTime: r.start_time,
    closeTime: r.close_time,
    nextEventId: r.next_event_id,
    state: r.state,
  };
  checkRecord(rec, r.crc, where);
  // Written by this store from the record's own searchAttributes and properties.
  if (r.search_attributes !== null) rec.searchAttributes = JSON.parse(r.search_attributes) as WorkflowRecord['searchAttributes'];
  if (r.properties !== null) rec.properties = JSON.parse(r.properties) as RunProperties;
  return rec;
}

export interface TaskDbRow {
  namespace: string;
  workflow_id: string;
  run_id: string;
  task_id: string;
  task_queue: string;
  kind: string;
  visible_at: number;
}

export function fromTaskRow(r: TaskDbRow): TaskRow {
  return {
    namespace: r.namespace,
    taskQueue: r.task_queue,
    // The CHECK constraint keeps the column to these two values.
    kind: r.kind as TaskRow['kind'],
    workflowId: r.workflow_id,
    runId: r.run_id,
    taskId: r.task_id,
    visibleAt: r.visible_at,
  };
}

export interface TimerDbRow {
  namespace: string;
  workflow_id: string;
  run_id: string;
  timer_id: string;
  fire_at: number;
}

export function fromTimerRow(r: TimerDbRow): TimerRow {
  return { namespace: r.namespace, workflowId: r.workflow_id, runId: r.run_id, timerId: r.timer_id, fireAt: r.fire_at };
}
