// Listing and counting runs: the filter is parsed against the namespace's registry, the store
// does the matching; page tokens wrap the store's cursor with what they belong to.
import { createHash } from 'node:crypto';
import {
  ApiError,
  parseListFilter,
  type CountWorkflowsRequest,
  type CountWorkflowsResponse,
  type FilterExpr,
  type ListWorkflowsRequest,
  type ListWorkflowsResponse,
  type WorkflowExecutionEntry,
} from '@endure/protocol';
import { ListQueryError, type RunProperties, type WorkflowRecord } from '@endure/storage';
import type { EngineCore } from './engine-core.js';

export const DEFAULT_PAGE_SIZE = 100;

export async function listWorkflows(core: EngineCore, req: ListWorkflowsRequest): Promise<ListWorkflowsResponse> {
  const ns = core.namespaces.get(req.namespace);
  const filter = parseListFilter(req.query ?? '', ns.searchAttributes);
  const owner = tokenOwner(req.namespace, filter);
  const page = await asBadRequest(
    core.store.listWorkflows({
      namespace: req.namespace,
      filter,
      pageSize: req.pageSize ?? DEFAULT_PAGE_SIZE,
      // An empty token is the first page, as Temporal's clients send it.
      pageToken: req.nextPageToken ? openToken(req.nextPageToken, owner) : undefined,
    }),
  );
  return {
    executions: page.records.map((r) => toEntry(r)),
    nextPageToken: page.nextPageToken === undefined ? undefined : sealToken(page.nextPageToken, owner),
  };
}

export async function countWorkflows(core: EngineCore, req: CountWorkflowsRequest): Promise<CountWorkflowsResponse> {
  const ns = core.namespaces.get(req.namespace);
  return { count: await asBadRequest(core.store.countWorkflows(req.namespace, parseListFilter(req.query ?? '', ns.searchAttributes))) };
}

/** The store refusing a filter or cursor is the caller's mistake (4xx), not a storage failure. */
async function asBadRequest<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw err instanceof ListQueryError ? new ApiError('INVALID_ARGUMENT', err.message) : err;
  }
}

/** A run as listed; memo and search attributes as its code set them (payloads), from its properties. */
export function toEntry(r: WorkflowRecord, properties: RunProperties = r.properties ?? {}): WorkflowExecutionEntry {
  return {
    namespace: r.namespace,
    workflowId: r.workflowId,
    runId: r.runId,
    workflowType: r.workflowType,
    taskQueue: r.taskQueue,
    status: r.status,
    startTime: r.startTime,
    closeTime: r.closeTime ?? undefined,
    historyLength: r.nextEventId - 1,
    memo: properties.memo ?? {},
    searchAttributes: properties.searchAttributes ?? {},
  };
}

// A page token is `<owner>.<store cursor>`: the owner (base64url, no dots) ties it to one
// namespace and one parsed filter, so a token reused with another query is refused, not misread.
function tokenOwner(namespace: string, filter: FilterExpr | undefined): string {
  return createHash('sha256').update(JSON.stringify([namespace, filter ?? null])).digest('base64url').slice(0, 16);
}

function sealToken(cursor: string, owner: string): string {
  return `${owner}.${cursor}`;
}

function openToken(token: string, owner: string): string {
  const dot = token.indexOf('.');
  if (dot < 0) {
    throw new ApiError('INVALID_ARGUMENT', 'nextPageToken: not a page token from listWorkflows; pass the nextPageToken of the previous page unchanged, or omit it for the first page');
  }
  if (token.slice(0, dot) !== owner) {
    throw new ApiError('INVALID_ARGUMENT', 'nextPageToken: this token belongs to another query or namespace; a token only continues the listing it came from (omit it to start from the first page)');
  }
  return token.slice(dot + 1);
}
