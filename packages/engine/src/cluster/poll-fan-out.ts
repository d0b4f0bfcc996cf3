// A worker's poll on a cluster node: each node holds the tasks of its own shards, so the poll
// waits on every live node at once (here, and forwarded to the others) and answers with the
// first tasks any of them hands out. The other waits are then cut short; a node that handed out
// tasks in the same instant — its answer already on the way — gets them back (releaseTask), so
// they are offered again at once instead of waiting out a timeout.
import { ApiError, type EngineApi } from '@endure/protocol';
import type { ClusterMember } from './cluster-member.js';
import type { NodeApi } from './cluster-api.js';

export type PollOperation = 'pollWorkflowTask' | 'pollWorkflowTasks' | 'pollActivityTask' | 'pollActivityTasks';

type Answer = { taskToken: string } | { tasks: { taskToken: string }[] } | null;
type PollCall = (req: unknown, signal?: AbortSignal) => Promise<Answer>;

const tokensOf = (a: Answer): string[] => (a === null ? [] : 'tasks' in a ? a.tasks.map((t) => t.taskToken) : [a.taskToken]);
const emptyAnswer = (op: PollOperation): Answer => (op === 'pollWorkflowTasks' || op === 'pollActivityTasks' ? { tasks: [] } : null);

export function fanOutPoll(member: ClusterMember, nodeApi: (address: string) => NodeApi, op: PollOperation, req: unknown, signal?: AbortSignal): Promise<Answer> {
  const engine: EngineApi = member.engine;
  const others = member.liveNodes().filter((n) => n.nodeId !== member.nodeId);
  const local = (engine[op] as unknown as PollCall).bind(engine);
  if (others.length === 0) return local(req, signal);
  const sources: EngineApi[] = [engine, ...others.map((n) => nodeApi(n.address))];
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (signal?.aborted) stop.abort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    let pending = sources.length;
    let localError: unknown;
    sources.forEach((api, i) => {
      (api[op] as unknown as PollCall)
        .call(api, req, stop.signal)
        .then(
          (answer) => {
            const tokens = tokensOf(answer);
            if (tokens.length === 0) return;
            if (!answered) {
              answered = true;
              stop.abort();
              return resolve(answer);
            }
            for (const taskToken of tokens) void api.releaseTask({ taskToken }).catch(() => {});
          },
          // Another node unreachable or shutting down: the others still serve the poll. This
          // node's own refusal (an unknown namespace, say) is the poll's answer if nothing else is.
          (err: unknown) => {
            if (i === 0) localError = err;
          },
        )
        .finally(() => {
          if (--pending > 0) return;
          signal?.removeEventListener('abort', onAbort);
          if (answered) return;
          answered = true;
          if (localError !== undefined && !(localError instanceof ApiError && localError.code === 'UNAVAILABLE' && stop.signal.aborted)) reject(localError);
          else resolve(emptyAnswer(op));
        });
    });
  });
}
