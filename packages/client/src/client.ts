import { checkOptions, UnsupportedOperationError } from '@endure/common';
import type { Connection } from './connection.js';
import { WorkflowClient } from './workflow-client.js';
import { AsyncCompletionClient } from './activity-client.js';
import { OperatorClient } from './operator-client.js';
import { TaskQueueClient } from './task-queue-client.js';
import { ScheduleClient } from './schedule-client.js';
import { deadlineMs, withCallContext } from './call-context.js';
import { CLIENT_OPTIONS, CLIENT_WORKFLOW_OPTIONS, checkQueryRejectCondition, loadClientOptions, type ClientOptions, type DataConverter } from './client-options.js';
import type { QueryRejectCondition } from './query-reject.js';

/** The options a Client was made with, defaults applied (Temporal's client.options). */
export interface LoadedClientOptions {
  connection: Connection;
  namespace: string;
  identity: string;
  dataConverter: DataConverter;
  workflow: { queryRejectCondition: QueryRejectCondition };
}

/** The entry point for application code: `new Client({ connection }).workflow.start(...)`. */
export class Client {
  readonly options: LoadedClientOptions;
  readonly connection: Connection;
  readonly namespace: string;
  /** Start workflows and work with them. */
  readonly workflow: WorkflowClient;
  /** Async completion of activities (by task token or ids). */
  readonly activity: AsyncCompletionClient;
  /** Temporal's schedules: not supported (a workflow started with cronSchedule runs on a schedule). */
  readonly schedule: ScheduleClient;
  /** Task queue inspection (pollers, backlog). */
  readonly taskQueue: TaskQueueClient;
  /** Namespaces and search attributes (Endure's; Temporal has them on connection.operatorService). */
  readonly operator: OperatorClient;

  constructor(options?: ClientOptions) {
    const deps = loadClientOptions('new Client', 'ClientOptions', options, CLIENT_OPTIONS);
    checkOptions('new Client: workflow', 'ClientOptions.workflow', options?.workflow, CLIENT_WORKFLOW_OPTIONS);
    const queryRejectCondition = checkQueryRejectCondition('new Client: workflow', options?.workflow?.queryRejectCondition);
    const { connection, namespace, identity, dataConverter } = deps;
    this.connection = connection;
    this.namespace = namespace;
    this.options = { connection, namespace, identity, dataConverter, workflow: { queryRejectCondition } };
    const base = { connection, namespace, identity, dataConverter };
    this.workflow = new WorkflowClient({ ...base, queryRejectCondition });
    this.activity = new AsyncCompletionClient(base);
    this.schedule = new ScheduleClient();
    this.operator = new OperatorClient(deps.engine, namespace);
    this.taskQueue = new TaskQueueClient(deps.engine, namespace);
  }

  /** Not supported: there is no gRPC service behind Endure. */
  get workflowService(): never {
    throw new UnsupportedOperationError('client.workflowService', 'Endure has no gRPC WorkflowService; use client.workflow, client.operator and client.taskQueue (or the HTTP API of `endure server`)');
  }

  /** Engine calls made in `fn` fail with ServiceError DEADLINE_EXCEEDED once `deadline` (a Date or epoch ms) passes. */
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ deadline: deadlineMs(deadline, 'client.withDeadline') }, fn);
  }

  /** Engine calls made in `fn` fail with ServiceError CANCELLED once `signal` aborts. */
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ signal }, fn);
  }

  /** Not supported: Endure's requests carry no gRPC metadata. */
  withMetadata<R>(_metadata: Record<string, unknown>, _fn: () => Promise<R>): Promise<R> {
    throw new UnsupportedOperationError('client.withMetadata', 'Endure requests carry no gRPC metadata; authenticate with Connection.connect({ apiKey })');
  }
}
