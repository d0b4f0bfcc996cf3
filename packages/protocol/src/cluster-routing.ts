// Where each operation is served in a cluster, and what a caller can read off a request to find
// that place without asking: the shard of the run it names (shard-of.ts), or the run a task
// token names. Nodes route with it (a request that reached the wrong node is forwarded), and so
// do clients that know the cluster's shape (they send it to the right node in the first place).
import type { EngineOperation } from './operations.js';

/**
 * - 'run': the node owning shardOf(namespace, workflowId);
 * - 'taskToken': the node owning the run its task token names;
 * - 'poll': every node holds the tasks of its own shards;
 * - 'taskQueue': every node (each adds its own backlog);
 * - 'anyNode': any node, from the shared database.
 */
export type ClusterRouting = 'run' | 'taskToken' | 'poll' | 'taskQueue' | 'anyNode';

/** One entry per operation: a new operation does not compile until it says where it is served. */
export const CLUSTER_ROUTING: { readonly [K in EngineOperation]: ClusterRouting } = {
  startWorkflow: 'run',
  describeWorkflow: 'run',
  getHistory: 'run',
  getResult: 'run',
  requestCancelWorkflow: 'run',
  signalWorkflow: 'run',
  queryWorkflow: 'run',
  respondQueryTask: 'taskToken',
  updateWorkflow: 'run',
  pollUpdate: 'run',
  terminateWorkflow: 'run',
  pollWorkflowTask: 'poll',
  pollWorkflowTasks: 'poll',
  completeWorkflowTask: 'taskToken',
  failWorkflowTask: 'taskToken',
  pollActivityTask: 'poll',
  pollActivityTasks: 'poll',
  completeActivityTask: 'taskToken',
  failActivityTask: 'taskToken',
  cancelActivityTask: 'taskToken',
  heartbeatActivityTask: 'taskToken',
  releaseTask: 'taskToken',
  heartbeatWorkflowTask: 'taskToken',
  activityTaskToken: 'run',
  listWorkflows: 'anyNode',
  countWorkflows: 'anyNode',
  registerNamespace: 'anyNode',
  describeNamespace: 'anyNode',
  listNamespaces: 'anyNode',
  addSearchAttributes: 'anyNode',
  listSearchAttributes: 'anyNode',
  describeTaskQueue: 'taskQueue',
  rotateTokenKey: 'anyNode',
  createApiKey: 'anyNode',
  listApiKeys: 'anyNode',
  revokeApiKey: 'anyNode',
  describeCluster: 'anyNode',
};

/**
 * The header a caller sets (value `node`) on a poll to be served from the tasks of the node it
 * reaches only, instead of waiting on every node. A caller that polls every live node itself
 * (the HTTP transport, when it knows the cluster's nodes) saves each poll a fan-out; one that
 * polls a single node this way misses the tasks of the other nodes' shards. A server that is no
 * cluster's node holds every task, so the header changes nothing there.
 */
export const POLL_SCOPE_HEADER = 'x-endure-poll-scope';

/**
 * The run a task token names, read without checking its signature: only to route it (the node
 * owning the run checks it). A token is `<keyId>.<payload>.<signature>`, the payload base64url
 * JSON whose 2nd and 3rd fields are the namespace and workflow id. Undefined if not token-shaped.
 */
export function tokenRunOf(token: string): { namespace: string; workflowId: string } | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const fields: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const [, namespace, workflowId] = Array.isArray(fields) ? (fields as unknown[]) : [];
    return typeof namespace === 'string' && typeof workflowId === 'string' ? { namespace, workflowId } : undefined;
  } catch {
    return undefined;
  }
}
