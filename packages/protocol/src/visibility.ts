// Listing, counting and describing what runs: the visibility half of the API.
import { z } from 'zod';
import type { Payload } from './payload.js';
import type { WorkflowStatus } from './api.js';

const namespaceName = z
  .string()
  .min(1, 'namespace must not be empty')
  .max(200, 'namespace must be at most 200 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'namespace names are letters, digits, ".", "_" and "-", starting with a letter or digit');

/** Types a custom search attribute can be registered with (Temporal's names). */
export const SearchAttributeType = z.enum(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList']);
export type SearchAttributeType = z.infer<typeof SearchAttributeType>;

/**
 * A search attribute's value as stored and compared: Keyword/Text → string, Int/Double → number,
 * Bool → boolean, Datetime → epoch milliseconds, KeywordList → string[].
 */
export type SearchAttributeValue = string | number | boolean | string[];

/** Built-in attributes every run has, usable in list/count filters. */
export const SYSTEM_SEARCH_ATTRIBUTES = {
  WorkflowId: 'Keyword',
  RunId: 'Keyword',
  WorkflowType: 'Keyword',
  ExecutionStatus: 'Keyword',
  TaskQueue: 'Keyword',
  StartTime: 'Datetime',
  CloseTime: 'Datetime',
  HistoryLength: 'Int',
} as const satisfies Record<string, SearchAttributeType>;
export type SystemSearchAttribute = keyof typeof SYSTEM_SEARCH_ATTRIBUTES;

/**
 * Custom attributes every namespace starts with, as Temporal's dev server does, so samples that
 * use them run unchanged.
 */
export const DEFAULT_CUSTOM_SEARCH_ATTRIBUTES: Record<string, SearchAttributeType> = {
  CustomKeywordField: 'Keyword',
  CustomStringField: 'Text',
  CustomTextField: 'Text',
  CustomIntField: 'Int',
  CustomDoubleField: 'Double',
  CustomBoolField: 'Bool',
  CustomDatetimeField: 'Datetime',
};

export const ListWorkflowsRequest = z.object({
  namespace: namespaceName,
  /** Filter, e.g. `WorkflowType = 'order' AND ExecutionStatus = 'Running'`. Empty: every run. */
  query: z.string().max(10_000, 'query must be at most 10000 characters').optional(),
  pageSize: z.number().int().min(1, 'pageSize must be at least 1').max(1000, 'pageSize must be at most 1000').optional(),
  /** From the previous page's response; absent for the first page. */
  // Long enough for a cursor holding a 1000-character workflow id in any script.
  nextPageToken: z.string().max(10_000, 'nextPageToken must be at most 10000 characters').optional(),
});
export type ListWorkflowsRequest = z.infer<typeof ListWorkflowsRequest>;

/** One run as listed: newest start first. */
export interface WorkflowExecutionEntry {
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: WorkflowStatus;
  startTime: number;
  closeTime?: number;
  historyLength: number;
  memo: Record<string, Payload>;
  searchAttributes: Record<string, Payload>;
}
export interface ListWorkflowsResponse {
  executions: WorkflowExecutionEntry[];
  /** Present when more runs match: pass it to get the next page. */
  nextPageToken?: string;
}

export const CountWorkflowsRequest = z.object({
  namespace: namespaceName,
  query: z.string().max(10_000, 'query must be at most 10000 characters').optional(),
});
export type CountWorkflowsRequest = z.infer<typeof CountWorkflowsRequest>;
export interface CountWorkflowsResponse {
  count: number;
}

// --- namespaces -------------------------------------------------------------------------------

export const RegisterNamespaceRequest = z.object({
  namespace: namespaceName,
  description: z.string().max(1000).optional(),
  /** How long closed runs are kept before they are deleted. Default 3 days. */
  retentionMs: z.number().int().min(60_000, 'retentionMs must be at least 60000 (one minute)').optional(),
});
export type RegisterNamespaceRequest = z.infer<typeof RegisterNamespaceRequest>;

export const NamespaceRef = z.object({ namespace: namespaceName });
export type NamespaceRef = z.infer<typeof NamespaceRef>;

export interface NamespaceInfo {
  namespace: string;
  description: string;
  retentionMs: number;
  createdTime: number;
  /** Registered custom search attributes and their types (the defaults included). */
  searchAttributes: Record<string, SearchAttributeType>;
}
export interface ListNamespacesResponse {
  namespaces: NamespaceInfo[];
}

// --- search attributes -----------------------------------------------------------------------

export const AddSearchAttributesRequest = z.object({
  namespace: namespaceName,
  searchAttributes: z
    .record(z.string(), SearchAttributeType)
    .superRefine((attrs, ctx) => {
      for (const k of Object.keys(attrs)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || k.length > 100) {
          ctx.addIssue({ code: 'custom', path: [k], message: `search attribute names are letters, digits and _ (not starting with a digit, at most 100 characters); '${k.slice(0, 120)}' is not` });
        }
      }
    }),
});
export type AddSearchAttributesRequest = z.infer<typeof AddSearchAttributesRequest>;

export interface ListSearchAttributesResponse {
  system: Record<string, SearchAttributeType>;
  custom: Record<string, SearchAttributeType>;
}

// --- task queues ------------------------------------------------------------------------------

export const DescribeTaskQueueRequest = z.object({
  namespace: namespaceName,
  taskQueue: z.string().min(1, 'taskQueue must not be empty').max(1000),
});
export type DescribeTaskQueueRequest = z.infer<typeof DescribeTaskQueueRequest>;

export interface TaskQueuePoller {
  identity: string;
  lastAccessTime: number;
}
export interface DescribeTaskQueueResponse {
  workflow: { pollers: TaskQueuePoller[]; backlog: number };
  activity: { pollers: TaskQueuePoller[]; backlog: number };
}
