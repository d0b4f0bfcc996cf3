// The API a cluster node serves: any node answers any request. A request about a run goes to the
// node owning the run's shard (this one, or forwarded); a completion goes where its task token's
// run is; a poll waits on every node at once (each holds the tasks of its own shards) and takes
// the first task any of them hands out (or, when the caller polls every node itself, on this one
// alone); the rest (namespaces, listing, keys) any node answers
// from the shared database. A request that finds the shard moved, or its owner unreachable before
// anything was sent, is tried again once the lease table is read again.
import {
  ApiError,
  CLUSTER_ROUTING,
  ENGINE_OPERATIONS,
  tokenRunOf,
  specOf,
  type DescribeTaskQueueResponse,
  type EngineApi,
  type EngineOperation,
  type PeerApi,
} from '@endure/protocol';
import type { Engine } from '../engine.js';
import type { ClusterMember } from './cluster-member.js';
import { fanOutPoll, type PollOperation } from './poll-fan-out.js';
export type { PollOperation } from './poll-fan-out.js';

/** A poll waiting on another node that can be ended without losing its answer (poll-fan-out.ts). */
export interface EndablePoll {
  /** The node's answer: what it handed out (possibly after `end`), or nothing. */
  answer: Promise<unknown>;
  /** Asks the node to answer now with what it has; the answer still arrives. */
  end(): void;
}

/**
 * Another node's API and node-to-node operations; its answers are its own engine's (never routed
 * again). `endablePoll`, where the link has it, forwards a poll that can be ended without losing
 * its answer; without it a forwarded poll is ended by its AbortSignal.
 */
export type NodeApi = EngineApi & PeerApi & { endablePoll?(op: PollOperation, req: unknown): EndablePoll };

/** Pauses between tries when a shard's owner is moving or cannot be reached: about 2 s in all. */
const RETRY_PAUSES_MS = [50, 200, 500, 1200];
/** How long past a long-poll's deadline its owner may take to answer before the wait is cut. */
const DEADLINE_GRACE_MS = 1000;

type AnyCall = (req: unknown, signal?: AbortSignal) => Promise<unknown>;

/** `answer`, or what `stopped` gives once `stop` is aborted, whichever comes first. */
function untilStopped<T>(answer: Promise<T>, stop: AbortSignal, stopped: () => T): Promise<T> {
  if (stop.aborted) return Promise.resolve(stopped());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => resolve(stopped());
    stop.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => stop.removeEventListener('abort', onAbort));
  });
}
const call = (api: EngineApi, op: EngineOperation): AnyCall => (api[op] as AnyCall).bind(api);

/**
 * UNAVAILABLE is not applied unless it says `ambiguous` (a connection that broke after sending a
 * change without a request id, a commit whose outcome is unknown): a node that cannot be reached
 * at all, is shutting down, or no longer owns the shard did nothing.
 */
function worthAnotherTry(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.code !== 'UNAVAILABLE') return false;
  return (err.details as { ambiguous?: unknown } | undefined)?.ambiguous !== true;
}

/**
 * Where a poll waits: on every live node ('everyNode', so a worker that reaches one node gets every
 * task), or on this node alone ('thisNode': for a caller that polls every node itself, protocol's
 * POLL_SCOPE_HEADER).
 */
export type PollScope = 'everyNode' | 'thisNode';

export function clusterApi(member: ClusterMember, nodeApi: (address: string) => NodeApi, polls: PollScope = 'everyNode'): EngineApi {
  const engine: Engine = member.engine;
  const shardOf = (namespace: string, workflowId: string) => member.shardOf(namespace, workflowId);
  // On the node's wait clock, not setTimeout: a simulator's virtual time decides when a retry goes.
  const pause = (ms: number) => new Promise<void>((r) => member.waits.schedule(ms, r, true));

  /**
   * Calls `op` on the owner of `shardId`, following the shard if it moves while we ask. A
   * long-poll that can answer early (getResult) keeps its caller's deadline across the tries: each
   * waits only what is left, and at the deadline the caller gets the operation's timed-out answer.
   */
  async function atOwner(shardId: number, op: EngineOperation, req: unknown, signal?: AbortSignal): Promise<unknown> {
    let last: unknown;
    const now = () => member.waits.now();
    const startedAt = now();
    const waitMs = (req as { timeoutMs?: unknown }).timeoutMs;
    const wait = specOf(op).wait;
    const timedOut = wait?.ends === 'signal' && typeof waitMs === 'number' ? wait.abortedAnswer : undefined;
    const deadline = typeof waitMs === 'number' ? startedAt + waitMs : undefined;
    for (let attempt = 0; ; attempt++) {
      const owner = member.ownerOf(shardId);
      if (owner) {
        const api = owner.nodeId === member.nodeId ? engine : nodeApi(owner.address);
        const left = deadline === undefined ? req : { ...(req as object), timeoutMs: Math.max(0, deadline - now()) };
        if (timedOut && attempt > 0 && deadline! <= now()) return timedOut(req as never);
        // Cut short at the deadline, however the owner (or the way to it) behaves.
        const stop = timedOut ? new AbortController() : undefined;
        const cancel = stop && member.waits.schedule(Math.max(0, deadline! - now()) + DEADLINE_GRACE_MS, () => stop.abort(), true);
        const onAbort = () => stop?.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const once = () => {
          const answer = call(api, op)(attempt > 0 ? left : req, stop?.signal ?? signal);
          // This node's engine ends the wait at the signal, but not a read it is stuck in (a
          // database that does not answer): the caller still gets its answer at the deadline.
          return stop ? untilStopped(answer, stop.signal, () => timedOut!(req as never)) : answer;
        };
        try {
          return await withFreshSharedState(once);
        } catch (err) {
          if (!worthAnotherTry(err)) throw err;
          last = err;
        } finally {
          cancel?.();
          signal?.removeEventListener('abort', onAbort);
        }
      }
      if (attempt >= RETRY_PAUSES_MS.length || signal?.aborted) break;
      await pause(RETRY_PAUSES_MS[attempt]!);
      // The lease table again, but not waiting long on a database that is away: the next try asks anyway.
      await Promise.race([member.refresh(), pause(1000)]);
    }
    const why = last instanceof Error ? `: ${last.message}` : ': no node holds its lease right now (a node died and its leases have not run out yet)';
    throw new ApiError('UNAVAILABLE', `shard ${shardId} has no reachable owner${why}; retry shortly`, { retryable: true, shardId });
  }

  /** A namespace, API key or token key made on another node a moment ago: read them again, once. */
  async function withFreshSharedState<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const stale = err instanceof ApiError && ((err.code === 'NOT_FOUND' && 'namespace' in (err.details ?? {})) || (err.code === 'INVALID_ARGUMENT' && /does not hold/.test(err.message)));
      if (!stale) throw err;
      await engine.refreshSharedState();
      return fn();
    }
  }

  async function describeTaskQueue(req: Parameters<EngineApi['describeTaskQueue']>[0]): Promise<DescribeTaskQueueResponse> {
    const mine = await withFreshSharedState(() => engine.describeTaskQueue(req));
    // Pollers are seen on every node (polls wait on all of them); the backlog is each node's own.
    const others = await Promise.all(member.liveNodes().filter((n) => n.nodeId !== member.nodeId).map((n) => nodeApi(n.address).describeTaskQueue(req).catch(() => undefined)));
    for (const o of others) {
      if (!o) continue;
      mine.workflow.backlog += o.workflow.backlog;
      mine.activity.backlog += o.activity.backlog;
    }
    return mine;
  }

  const api: Partial<Record<EngineOperation, AnyCall>> = {};
  for (const op of ENGINE_OPERATIONS) {
    const local = call(engine, op);
    switch (CLUSTER_ROUTING[op]) {
      case 'run':
        api[op] = (req, signal) => {
          const r = req as { namespace: string; workflowId: string };
          return atOwner(shardOf(r.namespace, r.workflowId), op, req, signal);
        };
        break;
      case 'taskToken':
        api[op] = (req, signal) => {
          const run = tokenRunOf((req as { taskToken: string }).taskToken);
          // Not token-shaped: the local engine refuses it with the reason.
          return run ? atOwner(shardOf(run.namespace, run.workflowId), op, req, signal) : local(req, signal);
        };
        break;
      case 'poll':
        api[op] =
          polls === 'thisNode'
            ? (req, signal) => withFreshSharedState(() => local(req, signal))
            : (req, signal) => withFreshSharedState(() => fanOutPoll(member, nodeApi, op as PollOperation, req as never, signal));
        break;
      case 'taskQueue':
        api[op] = (req) => describeTaskQueue(req as Parameters<EngineApi['describeTaskQueue']>[0]);
        break;
      case 'anyNode':
        api[op] = (req, signal) => withFreshSharedState(() => local(req, signal));
        break;
    }
  }
  return api as unknown as EngineApi;
}
