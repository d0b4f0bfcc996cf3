// Listing, counting and describing what runs: the visibility half of the API.
import { z } from 'zod';
import { Payload } from './payload.js';
import { WorkflowStatus } from './workflow-status.js';

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
export const WorkflowExecutionEntry = z.object({
  namespace: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  workflowType: z.string(),
  taskQueue: z.string(),
  status: WorkflowStatus,
  startTime: z.number(),
  closeTime: z.number().optional(),
  historyLength: z.number(),
  memo: z.record(z.string(), Payload),
  searchAttributes: z.record(z.string(), Payload),
});
export type WorkflowExecutionEntry = z.infer<typeof WorkflowExecutionEntry>;
export const ListWorkflowsResponse = z.object({
  executions: z.array(WorkflowExecutionEntry),
  /** Present when more runs match: pass it to get the next page. */
  nextPageToken: z.string().optional(),
});
export type ListWorkflowsResponse = z.infer<typeof ListWorkflowsResponse>;

export const CountWorkflowsRequest = z.object({
  namespace: namespaceName,
  query: z.string().max(10_000, 'query must be at most 10000 characters').optional(),
});
export type CountWorkflowsRequest = z.infer<typeof CountWorkflowsRequest>;
export const CountWorkflowsResponse = z.object({ count: z.number() });
export type CountWorkflowsResponse = z.infer<typeof CountWorkflowsResponse>;

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

export const NamespaceInfo = z.object({
  namespace: z.string(),
  description: z.string(),
  retentionMs: z.number(),
  createdTime: z.number(),
  /** Registered custom search attributes and their types (the defaults included). */
  searchAttributes: z.record(z.string(), SearchAttributeType),
});
export type NamespaceInfo = z.infer<typeof NamespaceInfo>;
export const ListNamespacesResponse = z.object({ namespaces: z.array(NamespaceInfo) });
export type ListNamespacesResponse = z.infer<typeof ListNamespacesResponse>;

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

export const ListSearchAttributesResponse = z.object({
  system: z.record(z.string(), SearchAttributeType),
  custom: z.record(z.string(), SearchAttributeType),
});
export type ListSearchAttributesResponse = z.infer<typeof ListSearchAttributesResponse>;

// --- task queues ------------------------------------------------------------------------------

export const DescribeTaskQueueRequest = z.object({
  namespace: namespaceName,
  taskQueue: z.string().min(1, 'taskQueue must not be empty').max(1000),
});
export type DescribeTaskQueueRequest = z.infer<typeof DescribeTaskQueueRequest>;

export const TaskQueuePoller = z.object({ identity: z.string(), lastAccessTime: z.number() });
export type TaskQueuePoller = z.infer<typeof TaskQueuePoller>;
const TaskQueueSide = z.object({ pollers: z.array(TaskQueuePoller), backlog: z.number() });

/**
 * Whether workers poll a task queue, so a mistyped one shows: work on a queue no worker polls
 * waits forever, and says nothing on its own.
 */
export const TaskQueuePolling = z.object({
  taskQueue: z.string(),
  /** A worker polls it now, or polled it in the last 5 minutes. */
  polledRecently: z.boolean(),
  /** The other task queues of the namespace that workers polled recently, the closest name first (at most 10). */
  polledTaskQueues: z.array(z.string()),
  /** When it is not polled: one line saying so, naming the closest polled queue ("did you mean 'orders'?"). */
  hint: z.string().optional(),
});
export type TaskQueuePolling = z.infer<typeof TaskQueuePolling>;

export const DescribeTaskQueueResponse = z.object({ workflow: TaskQueueSide, activity: TaskQueueSide, polling: TaskQueuePolling });
export type DescribeTaskQueueResponse = z.infer<typeof DescribeTaskQueueResponse>;
