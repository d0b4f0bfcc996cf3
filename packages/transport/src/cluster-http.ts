// The EngineApi of the servers of a cluster, given as a list of addresses. Any node answers any
// request (it forwards what belongs to another node), so a plain connection with fail-over is
// correct; but each forward is one more request and answer between nodes. Knowing the cluster
// (cluster-view.ts), this connection sends a request about a run, and a task's completion, to
// the node owning the run, and keeps a poll open on each node for a worker's polls
// (node-polls.ts): in the common case no request is forwarded at all. Whatever the view cannot
// place, or a node it names cannot take, goes the plain way.
import { ApiError, CLUSTER_ROUTING, ENGINE_OPERATIONS, tokenRunOf, type EngineApi, type EngineOperation, type PollTasksRequest } from '@endure/protocol';
import { ClusterView, type NodeLink } from './cluster-view.js';
import type { HttpOptions } from './http-caller.js';
import { openHttp } from './http.js';
import { NodePolls, type PollsOperation } from './node-polls.js';

type AnyCall = (req: unknown, signal?: AbortSignal) => Promise<unknown>;
const callOf = (api: EngineApi, op: EngineOperation): AnyCall => (api[op] as AnyCall).bind(api);

const NODE_POLLED: ReadonlySet<EngineOperation> = new Set<PollsOperation>(['pollWorkflowTasks', 'pollActivityTasks']);

export interface ClusterHttpEngine {
  api: EngineApi;
  close(): Promise<void>;
}

export function openClusterHttp(baseUrls: readonly string[], opts: HttpOptions): ClusterHttpEngine {
  const plain = openHttp(baseUrls, opts);
  const view = new ClusterView(plain.api, opts);
  const polls = new NodePolls(view);
  view.onChange = () => polls.wake();
  view.waiting = () => polls.waiting();

  /** At the node the view names; the plain way when it names none or that node cannot take it. */
  async function atNode(node: NodeLink | undefined, op: EngineOperation, req: unknown, signal?: AbortSignal): Promise<unknown> {
    view.start();
    if (!node) return callOf(plain.api, op)(req, signal);
    try {
      return await callOf(node.http.api, op)(req, signal);
    } catch (err) {
      // Not applied (UNAVAILABLE without `ambiguous`): the node is gone or shutting down, or
      // (shardId named) the run's shard has no reachable owner from there right now.
      if (!(err instanceof ApiError) || err.code !== 'UNAVAILABLE' || err.details['ambiguous'] === true) throw err;
      if (err.details['shardId'] === undefined) view.failed(node.address);
      else void view.refresh(true);
      return callOf(plain.api, op)(req, signal);
    }
  }

  const api: Partial<Record<EngineOperation, AnyCall>> = {};
  for (const op of ENGINE_OPERATIONS) {
    switch (CLUSTER_ROUTING[op]) {
      case 'run':
        api[op] = (req, signal) => {
          const r = req as { namespace: string; workflowId: string };
          return atNode(view.ownerOf(r.namespace, r.workflowId), op, req, signal);
        };
        break;
      case 'taskToken':
        api[op] = (req, signal) => {
          const run = tokenRunOf((req as { taskToken: string }).taskToken);
          return atNode(run && view.ownerOf(run.namespace, run.workflowId), op, req, signal);
        };
        break;
      case 'poll':
        // A one-task poll (not what workers send) waits on every node through one of them.
        api[op] = NODE_POLLED.has(op)
          ? (req, signal) => {
              view.start();
              if (view.nodes().length === 0) return callOf(plain.api, op)(req, signal);
              return polls.poll(op as PollsOperation, req as PollTasksRequest, signal);
            }
          : callOf(plain.api, op);
        break;
      default:
        api[op] = callOf(plain.api, op);
    }
  }
  return {
    api: api as unknown as EngineApi,
    close: async () => {
      await polls.close();
      view.close();
      plain.close();
    },
  };
}
