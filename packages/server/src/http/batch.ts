// POST /v1/batch: several calls in one HTTP exchange. The http transport sends the calls its
// process makes in the same event-loop turn together (under load a worker completes many tasks
// at once), which saves a request, a response and their system calls per call. Each call is
// routed, validated and answered as if it came alone; calls that wait (long-polls, queries: the
// operation table's `wait`) cannot be batched, since one would hold up every other answer.
import { z } from 'zod';
import { ApiError, parseRequest, type EngineOperation } from '@endure/protocol';
import { ErrorBody, errorReply } from './http-errors.js';
import { routeOf, type Route } from './routes.js';

/** More calls than any process makes in one turn; bounds the work one request can ask for. */
export const MAX_BATCH_CALLS = 256;

export const BatchRequest = z.object({
  calls: z
    .array(z.object({ operation: z.string().max(64), request: z.unknown() }))
    .min(1)
    .max(MAX_BATCH_CALLS),
});
export type BatchRequest = z.infer<typeof BatchRequest>;

/** One answer per call, in order: `{ result }`, or `{ error }` as a lone request would get it. */
export const BatchResponse = z.object({ results: z.array(z.union([z.object({ result: z.unknown() }), ErrorBody])) });
export type BatchResponse = z.infer<typeof BatchResponse>;

type BatchResult = BatchResponse['results'][number];

/** Makes one validated call as a lone request would: authorized, then the engine's answer. */
export type CallOne = (operation: EngineOperation, route: Route, request: unknown) => Promise<unknown>;

/** Starts the calls in order, without waiting for one another (like separate requests); answers when all have. */
export async function runBatch(body: unknown, callOne: CallOne, logInternal: (err: unknown, operation: string) => void): Promise<BatchResponse> {
  const { calls } = parseRequest(BatchRequest, body, 'batch request');
  const results = calls.map(async ({ operation, request }, i): Promise<BatchResult> => {
    try {
      const route = routeOf(operation);
      if (!route) throw new ApiError('NOT_FOUND', `calls[${i}].operation: no such operation '${operation.slice(0, 64)}'; GET /v1/openapi.json lists them`);
      if (route.wait) throw new ApiError('INVALID_ARGUMENT', `calls[${i}].operation: ${operation} waits (long-poll) and cannot be batched; send it as POST /v1/${operation}`);
      const parsed = parseRequest(route.request, request, `calls[${i}] (${operation} request)`);
      const result = await callOne(operation as EngineOperation, route, parsed);
      return { result: result === undefined ? {} : result };
    } catch (err) {
      const reply = errorReply(err);
      if (reply.internal) logInternal(err, operation);
      return reply.body;
    }
  });
  return { results: await Promise.all(results) };
}
