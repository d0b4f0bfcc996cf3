// The route table: every operation of protocol's table is `POST /v1/<operation>` with a JSON
// body. What the server adds to each is who may call it (`access`: roles, and where it acts),
// keyed by the operation's name: a new operation without its access does not compile.
import { ENGINE_OPERATIONS, operationOf, specOf, type EngineOperation, type Operation } from '@endure/protocol';
import { ACTIVITY_COMPLETERS, ADMINS, EVERY_ROLE, READERS, READERS_AND_WORKERS, WORKERS, WRITERS, type Access } from './access.js';

/** An operation as the server serves it: protocol's entry (schemas, wait, retry safety) and its access. */
export type Route = Operation & {
  /** Which API-key roles may call it, and where it acts (access.ts). */
  access: Access;
};

export const ACCESS: { [K in EngineOperation]: Access } = {
  startWorkflow: { roles: WRITERS, namespace: 'request' },
  describeWorkflow: { roles: READERS, namespace: 'request' },
  getHistory: { roles: READERS_AND_WORKERS, namespace: 'request' },
  getResult: { roles: READERS, namespace: 'request' },
  requestCancelWorkflow: { roles: WRITERS, namespace: 'request' },
  signalWorkflow: { roles: WRITERS, namespace: 'request' },
  queryWorkflow: { roles: READERS, namespace: 'request' },
  respondQueryTask: { roles: WORKERS, namespace: 'taskToken' },
  updateWorkflow: { roles: WRITERS, namespace: 'request' },
  pollUpdate: { roles: READERS, namespace: 'request' },
  terminateWorkflow: { roles: WRITERS, namespace: 'request' },
  pollWorkflowTask: { roles: WORKERS, namespace: 'request' },
  pollWorkflowTasks: { roles: WORKERS, namespace: 'request' },
  completeWorkflowTask: { roles: WORKERS, namespace: 'taskToken' },
  failWorkflowTask: { roles: WORKERS, namespace: 'taskToken' },
  pollActivityTask: { roles: WORKERS, namespace: 'request' },
  pollActivityTasks: { roles: WORKERS, namespace: 'request' },
  completeActivityTask: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' },
  failActivityTask: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' },
  cancelActivityTask: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' },
  heartbeatActivityTask: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' },
  heartbeatWorkflowTask: { roles: WORKERS, namespace: 'taskToken' },
  releaseTask: { roles: WORKERS, namespace: 'taskToken' },
  activityTaskToken: { roles: WRITERS, namespace: 'request' },
  listWorkflows: { roles: READERS, namespace: 'request' },
  countWorkflows: { roles: READERS, namespace: 'request' },
  registerNamespace: { roles: ADMINS, namespace: 'request' },
  describeNamespace: { roles: READERS_AND_WORKERS, namespace: 'request' },
  listNamespaces: { roles: READERS_AND_WORKERS, namespace: 'listed' },
  addSearchAttributes: { roles: ADMINS, namespace: 'request' },
  listSearchAttributes: { roles: READERS, namespace: 'request' },
  describeTaskQueue: { roles: READERS, namespace: 'request' },
  rotateTokenKey: { roles: ADMINS, namespace: 'global' },
  createApiKey: { roles: ADMINS, namespace: 'global' },
  listApiKeys: { roles: ADMINS, namespace: 'global' },
  revokeApiKey: { roles: ADMINS, namespace: 'global' },
  // A read, so a read-only key for monitoring may call it; 'global' because node addresses and
  // the shard layout are shared by every namespace: a key scoped to some namespaces (a tenant's)
  // does not see the deployment's machines.
  describeCluster: { roles: EVERY_ROLE, namespace: 'none' },
};

export const ROUTES = Object.fromEntries(ENGINE_OPERATIONS.map((op) => [op, { ...specOf(op), access: ACCESS[op] }])) as { readonly [K in EngineOperation]: Route };

export function routeOf(operation: string): Route | undefined {
  return operationOf(operation) ? ROUTES[operation as EngineOperation] : undefined;
}
