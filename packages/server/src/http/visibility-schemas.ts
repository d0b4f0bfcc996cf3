// Schemas of the visibility responses, for the OpenAPI document. The protocol declares these
// responses as interfaces (visibility.ts); the checks below fail the build if the two drift apart.
import { z } from 'zod';
import {
  Payload,
  SearchAttributeType,
  WorkflowStatus,
  type CountWorkflowsResponse,
  type DescribeTaskQueueResponse,
  type ListNamespacesResponse,
  type ListSearchAttributesResponse,
  type ListWorkflowsResponse,
  type NamespaceInfo,
} from '@endure/protocol';

export const WorkflowExecutionEntrySchema = z.object({
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
export const ListWorkflowsResponseSchema = z.object({
  executions: z.array(WorkflowExecutionEntrySchema),
  nextPageToken: z.string().optional(),
});
export const CountWorkflowsResponseSchema = z.object({ count: z.number() });
export const NamespaceInfoSchema = z.object({
  namespace: z.string(),
  description: z.string(),
  retentionMs: z.number(),
  createdTime: z.number(),
  searchAttributes: z.record(z.string(), SearchAttributeType),
});
export const ListNamespacesResponseSchema = z.object({ namespaces: z.array(NamespaceInfoSchema) });
export const ListSearchAttributesResponseSchema = z.object({
  system: z.record(z.string(), SearchAttributeType),
  custom: z.record(z.string(), SearchAttributeType),
});
const TaskQueueSide = z.object({
  pollers: z.array(z.object({ identity: z.string(), lastAccessTime: z.number() })),
  backlog: z.number(),
});
export const DescribeTaskQueueResponseSchema = z.object({ workflow: TaskQueueSide, activity: TaskQueueSide });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchTheProtocol: [
  Same<z.infer<typeof ListWorkflowsResponseSchema>, ListWorkflowsResponse>,
  Same<z.infer<typeof CountWorkflowsResponseSchema>, CountWorkflowsResponse>,
  Same<z.infer<typeof NamespaceInfoSchema>, NamespaceInfo>,
  Same<z.infer<typeof ListNamespacesResponseSchema>, ListNamespacesResponse>,
  Same<z.infer<typeof ListSearchAttributesResponseSchema>, ListSearchAttributesResponse>,
  Same<z.infer<typeof DescribeTaskQueueResponseSchema>, DescribeTaskQueueResponse>,
] = [true, true, true, true, true, true];
void schemasMatchTheProtocol;
