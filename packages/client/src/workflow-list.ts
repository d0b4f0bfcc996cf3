import type { EngineApi, HistoryEvent, Payload, WorkflowExecutionEntry } from '@endure/protocol';
import { checkOptions, type PayloadConverter } from '@endure/common';
import { INTO_HISTORIES_OPTIONS, LIST_OPTIONS, type IntoHistoriesOptions, type ListOptions } from './handle-options.js';
import { translateError } from './errors.js';
import { serviceCall } from './service-call.js';
import { statusOf, type WorkflowExecutionStatusName } from './workflow-status.js';

/** One run as `client.workflow.list()` yields it (Temporal's WorkflowExecutionInfo shape). */
export interface WorkflowExecutionInfo {
  type: string;
  workflowId: string;
  runId: string;
  taskQueue: string;
  status: { code: number; name: WorkflowExecutionStatusName };
  historyLength: number;
  startTime: Date;
  /** When the run's code starts: its start, or later for a cron run or a delayed start (describe() shows it; list() shows the start). */
  executionTime: Date;
  closeTime?: Date;
  memo: Record<string, unknown>;
  /** Decoded values, as `handle.describe()` returns them (not wrapped in arrays). */
  searchAttributes: Record<string, unknown>;
  /** The entry as the engine returned it. */
  raw: WorkflowExecutionEntry;
}

export type { ListOptions, IntoHistoriesOptions };

/** What list() returns: iterate it with `for await`; pages are fetched as the loop needs them. */
export interface AsyncWorkflowListIterable extends AsyncIterable<WorkflowExecutionInfo> {
  /** The listed runs' histories, fetched `concurrency` (default 5) at a time, in list order. */
  intoHistories(options?: IntoHistoriesOptions): AsyncIterable<{ workflowId: string; runId: string; history: { events: HistoryEvent[] } }>;
}

interface ListDeps {
  engine: EngineApi;
  namespace: string;
  converter: PayloadConverter;
}

export function decodeMap(converter: PayloadConverter, m: Record<string, Payload> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, converter.fromPayload(v)]));
}

export function toExecutionInfo(converter: PayloadConverter, e: WorkflowExecutionEntry): WorkflowExecutionInfo {
  return {
    type: e.workflowType,
    workflowId: e.workflowId,
    runId: e.runId,
    taskQueue: e.taskQueue,
    status: statusOf(e.status),
    historyLength: e.historyLength,
    startTime: new Date(e.startTime),
    executionTime: new Date(e.startTime),
    ...(e.closeTime !== undefined ? { closeTime: new Date(e.closeTime) } : {}),
    memo: decodeMap(converter, e.memo),
    searchAttributes: decodeMap(converter, e.searchAttributes),
    raw: e,
  };
}

async function* pages(deps: ListDeps, options: ListOptions): AsyncGenerator<WorkflowExecutionInfo> {
  let nextPageToken: string | undefined;
  do {
    const token = nextPageToken;
    const page = await serviceCall(() => deps.engine.listWorkflows({ namespace: deps.namespace, query: options.query, pageSize: options.pageSize, nextPageToken: token }));
    for (const e of page.executions) yield toExecutionInfo(deps.converter, e);
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
}

async function* histories(deps: ListDeps, runs: AsyncIterable<WorkflowExecutionInfo>, concurrency: number) {
  const fetch = async (info: WorkflowExecutionInfo) => {
    try {
      const r = await deps.engine.getHistory({ namespace: deps.namespace, workflowId: info.workflowId, runId: info.runId });
      return { workflowId: info.workflowId, runId: info.runId, history: { events: r.events } };
    } catch (err) {
      throw translateError(err, { workflowId: info.workflowId, runId: info.runId });
    }
  };
  // A window of in-flight fetches, yielded in list order.
  const window: Promise<Awaited<ReturnType<typeof fetch>>>[] = [];
  for await (const info of runs) {
    window.push(fetch(info));
    // Nothing awaits the later entries until their turn; keep their rejections from going unhandled.
    window.at(-1)!.catch(() => undefined);
    if (window.length >= concurrency) yield await window.shift()!;
  }
  while (window.length) yield await window.shift()!;
}

/** Lists runs matching `options.query`, newest start first, fetching pages lazily. */
export function listWorkflows(deps: ListDeps, options: ListOptions = {}): AsyncWorkflowListIterable {
  checkOptions('client.workflow.list', 'ListOptions', options, LIST_OPTIONS);
  const opts = { ...options };
  return {
    [Symbol.asyncIterator]: () => pages(deps, opts),
    intoHistories: (h = {}) => {
      checkOptions('client.workflow.list().intoHistories', 'IntoHistoriesOptions', h, INTO_HISTORIES_OPTIONS);
      const positive = (name: string, n: number) => {
        if (!Number.isInteger(n) || n < 1) throw new TypeError(`intoHistories: ${name} must be a positive integer, got ${n}`);
        return n;
      };
      const concurrency = positive('concurrency', h.concurrency ?? 5);
      // Fetched ahead = fetching or waiting to be taken: never more than bufferLimit.
      const window = Math.min(concurrency, h.bufferLimit === undefined ? concurrency : positive('bufferLimit', h.bufferLimit));
      return histories(deps, { [Symbol.asyncIterator]: () => pages(deps, opts) }, window);
    },
  };
}
