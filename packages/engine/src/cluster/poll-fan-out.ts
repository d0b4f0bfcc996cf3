// A worker's poll on a cluster node: each node holds the tasks of its own shards, so the poll
// waits on every live node at once (here, and forwarded to the others) and answers with the
// first tasks any of them hands out. The other waits are then ended — never cut off: each still
// answers, and a node that handed out tasks in the same instant gets them back (releaseTask), so
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
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (signal?.aborted) stop.abort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // This node's poll ends by the signal (its answer comes back in process whatever happens); a
  // forwarded one, where the link can, by asking its node to answer now — cutting the connection
  // would lose an answer already on its way, and the tasks in it until their timeouts.
  const waits: { api: EngineApi; answer: Promise<Answer>; end(): void }[] = [{ api: engine, answer: local(req, stop.signal), end: () => stop.abort() }];
  for (const n of others) {
    const api = nodeApi(n.address);
    if (api.endablePoll) {
      const p = api.endablePoll(op, req);
      waits.push({ api, answer: p.answer as Promise<Answer>, end: () => p.end() });
      stop.signal.addEventListener('abort', () => p.end(), { once: true });
    } else {
      waits.push({ api, answer: (api[op] as unknown as PollCall).call(api, req, stop.signal), end: () => stop.abort() });
    }
  }
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    let pending = waits.length;
    let localError: unknown;
    waits.forEach(({ api, answer }, i) => {
      answer
        .then(
          (a) => {
            const tokens = tokensOf(a);
            if (tokens.length === 0) return;
            if (!answered) {
              answered = true;
              stop.abort();
              return resolve(a);
            }
            // Handed out in the same instant as the answer taken: given back, offered again at once.
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
