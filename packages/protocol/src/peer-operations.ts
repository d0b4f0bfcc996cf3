// What the nodes of a cluster ask each other, beyond the public API: the effects one run has on
// another (engine/src/effects.ts) when the other run's shard is owned by another node. Each is
// idempotent — an effect is retried until its timer row is deleted, possibly after the node that
// sent it died — and each is served only to other nodes (`POST /v1/peer/<name>`, with the
// cluster's peer credential), never listed in the public OpenAPI.
import { z } from 'zod';
import { StartWorkflowRequest, StartWorkflowResponse } from './api.js';
import { Payload } from './payload.js';
import { Failure } from './failure.js';

/** The parent run and the child's place among its children (the command's seq). */
export const ParentRef = z.object({ namespace: z.string(), workflowId: z.string(), runId: z.string(), seq: z.number().int().positive() });
export type ParentRef = z.output<typeof ParentRef>;

export const ChildOutcome = z.object({
  status: z.enum(['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT']),
  result: Payload.optional(),
  failure: Failure.optional(),
});
export type ChildOutcome = z.output<typeof ChildOutcome>;

export const StartChildRequest = z.object({ request: StartWorkflowRequest, parent: ParentRef });
export const RecordChildClosedRequest = z.object({ parent: ParentRef, child: z.object({ workflowId: z.string(), runId: z.string() }), outcome: ChildOutcome });
/** `done: false`: the parent has not recorded the child as started yet; ask again shortly. */
export const RecordChildClosedResponse = z.object({ done: z.boolean() });
export const CloseChildRequest = z.object({
  namespace: z.string(),
  workflowId: z.string(),
  /** Only a child of this parent run is closed (a workflow id may have been reused since). */
  parentRunId: z.string(),
  policy: z.enum(['TERMINATE', 'REQUEST_CANCEL']),
  reason: z.string(),
});
const Empty = z.object({});

interface PeerOperation<Req extends z.ZodType, Res extends z.ZodType> {
  summary: string;
  request: Req;
  response: Res;
}
const peerOp = <Req extends z.ZodType, Res extends z.ZodType>(spec: PeerOperation<Req, Res>) => spec;

export const PEER_OPERATIONS = {
  startChildWorkflow: peerOp({ summary: "Start a run as a child of a run in another node's shard.", request: StartChildRequest, response: StartWorkflowResponse }),
  recordChildClosed: peerOp({ summary: 'Tell a parent run that its child closed, and how.', request: RecordChildClosedRequest, response: RecordChildClosedResponse }),
  closeChild: peerOp({ summary: "Apply a closed parent's parentClosePolicy to its child.", request: CloseChildRequest, response: Empty }),
};

export type PeerOperationName = keyof typeof PEER_OPERATIONS;
export const PEER_OPERATION_NAMES = Object.keys(PEER_OPERATIONS) as readonly PeerOperationName[];

export function peerOperationOf(name: string): PeerOperationName | undefined {
  return Object.hasOwn(PEER_OPERATIONS, name) ? (name as PeerOperationName) : undefined;
}

type Res<K extends PeerOperationName> = (typeof PEER_OPERATIONS)[K]['response'];
// Both ways: a schema with fields is assignable to the empty object's schema.
type PeerResponse<K extends PeerOperationName> = [Res<K>] extends [typeof Empty] ? ([typeof Empty] extends [Res<K>] ? void : z.output<Res<K>>) : z.output<Res<K>>;
/** The node-to-node operations as methods: the engine serves them, a peer link calls them over HTTP. */
export type PeerApi = { [K in PeerOperationName]: (req: z.output<(typeof PEER_OPERATIONS)[K]['request']>) => Promise<PeerResponse<K>> };

/**
 * A worker's poll that one node forwards to another is named by this header, so that the node
 * which forwarded it can end it without cutting the connection (which would lose an answer
 * already on its way, and the tasks in it): `POST /v1/peer/endPolls` ends the named polls at
 * once — each answers with what it has, and tasks handed out at that instant are released by the
 * node that handed them out. Served by the server (which holds the polls), not the engine.
 */
export const FORWARDED_POLL_HEADER = 'x-endure-poll-id';
export const END_POLLS = 'endPolls';
export const EndPollsRequest = z.object({ pollIds: z.array(z.string().min(1).max(64)).min(1).max(1000) });
