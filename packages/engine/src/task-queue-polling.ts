// Whether workers poll a task queue, and if not, which queues they do poll, the closest name
// first. A workflow started on a mistyped task queue otherwise waits forever without a word:
// describe, task-queue describe and a waiting update say it with this.
import type { TaskQueuePolling } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import type { TaskRef } from './matching.js';

/** A queue counts as polled when a poller waits on it now or polled it this recently. */
export const RECENT_POLL_MS = 5 * 60_000;
const MAX_LISTED = 10;

/** Levenshtein distance, ignoring case: how far a typo is from the intended name. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[t.length]!;
}

/** Close enough to be a typo of `name`: a few edits, relative to the length. */
function looksLikeTypo(name: string, candidate: string, distance: number): boolean {
  return distance <= Math.max(2, Math.floor(Math.max(name.length, candidate.length) / 3));
}

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * Whether workers poll `taskQueue` of `namespace` (for `kind` of task, or either); when none
 * does, the hint names the queues workers poll instead.
 */
export function taskQueuePolling(core: EngineCore, namespace: string, taskQueue: string, kind?: TaskRef['kind']): TaskQueuePolling {
  const polled = core.matching.polledQueues(namespace, core.now() - RECENT_POLL_MS, kind);
  const polledRecently = polled.includes(taskQueue);
  const ranked = polled
    .filter((q) => q !== taskQueue)
    .map((q) => ({ q, d: editDistance(taskQueue, q) }))
    .sort((x, y) => x.d - y.d || (x.q < y.q ? -1 : 1))
    .slice(0, MAX_LISTED);
  const polledTaskQueues = ranked.map((r) => r.q);
  if (polledRecently) return { taskQueue, polledRecently, polledTaskQueues };
  const what = `no worker has polled task queue '${taskQueue}'${kind === 'workflow' ? ' for workflow tasks' : ''} in the last ${RECENT_POLL_MS / 60_000} minutes`;
  let hint: string;
  if (ranked.length === 0) {
    hint = `${what}, nor any other task queue of namespace '${namespace}': start a Worker with taskQueue '${taskQueue}'`;
  } else {
    const closest = ranked[0]!;
    const guess = looksLikeTypo(taskQueue, closest.q, closest.d) ? `; did you mean '${closest.q}'?` : '';
    hint = `${what}${guess} (workers poll ${quoted(polledTaskQueues)})`;
  }
  return { taskQueue, polledRecently, polledTaskQueues, hint };
}
