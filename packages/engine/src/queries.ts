import { ApiError, type Payload, type QueryWorkflowResponse, type RespondQueryTaskRequest, type WorkflowTask } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import type { Run } from './run.js';
import { queryTaskId } from './task-ids.js';

interface PendingQuery {
  queryType: string;
  args: Payload[];
  resolve(r: QueryWorkflowResponse): void;
  reject(e: Error): void;
}

/** Queries waiting for a worker's answer. Never written anywhere: they change nothing. */
const pending = new WeakMap<EngineCore, Map<string, PendingQuery>>();
function queries(core: EngineCore): Map<string, PendingQuery> {
  let m = pending.get(core);
  if (!m) pending.set(core, (m = new Map()));
  return m;
}


/** Offers a query task on the run's task queue and waits for a worker to answer it. */
export function queryRun(core: EngineCore, run: Run, queryType: string, args: Payload[], timeoutMs: number): Promise<QueryWorkflowResponse> {
  core.checkPayloads('query arguments', args);
  const id = core.newId();
  const r = run.record;
  return new Promise<QueryWorkflowResponse>((resolve, reject) => {
    const cancelTimer = core.waits.schedule(timeoutMs, () => {
      queries(core).delete(id);
      reject(new ApiError('DEADLINE_EXCEEDED', `no worker answered query '${queryType}' within ${timeoutMs} ms: is a Worker running on task queue '${r.taskQueue}'?`));
    }, true);
    const done = <T>(f: (v: T) => void) => (v: T) => {
      cancelTimer();
      queries(core).delete(id);
      f(v);
    };
    queries(core).set(id, { queryType, args, resolve: done(resolve), reject: done(reject) });
    const ref = { kind: 'workflow' as const, namespace: r.namespace, taskQueue: r.taskQueue, workflowId: r.workflowId, runId: r.runId, taskId: queryTaskId(id) };
    // Input the workflow has not processed yet (a signal just sent) is seen by the query: it
    // goes out once the pending workflow task is done (EngineCore.apply releases it).
    if (run.workflowTaskPending) run.heldQueries.push(ref);
    else core.matching.offer(ref);
  });
}

/** A query task for a poller, or null if nobody waits for that query any more. */
export function dispatchQueryTask(core: EngineCore, run: Run, id: string): WorkflowTask | null {
  const q = queries(core).get(id);
  if (!q) return null;
  const r = run.record;
  return {
    taskToken: core.tokens.encode({ ...run.key, kind: 'query', attempt: 1, dispatchId: core.dispatchId(), queryId: id }),
    namespace: r.namespace,
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    attempt: 1,
    events: [],
    lastEventId: r.nextEventId - 1,
    startedTime: core.now(),
    query: { queryType: q.queryType, args: q.args },
  };
}

export function respondQueryTask(core: EngineCore, req: RespondQueryTaskRequest): void {
  const t = core.tokens.decode(req.taskToken);
  if (t.kind !== 'query' || !t.queryId) throw new ApiError('INVALID_ARGUMENT', 'taskToken: this is not a query task token');
  const q = queries(core).get(t.queryId);
  if (!q) return; // timed out meanwhile: nobody is listening
  if (req.failure) q.reject(new ApiError('QUERY_FAILED', req.failure.message, { failure: req.failure }));
  else q.resolve({ result: req.result });
}
