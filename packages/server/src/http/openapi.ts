// The OpenAPI 3.1 document of the HTTP API (`GET /v1/openapi.json`), generated from the operation
// table's zod schemas (and the route table's access), so it cannot drift from what the server
// validates.
import { z } from 'zod';
import * as protocol from '@endure/protocol';
import { ENGINE_OPERATIONS, RETRY_SAFETY_DOC } from '@endure/protocol';
import { ErrorBody } from './http-errors.js';
import { BatchRequest, BatchResponse, MAX_BATCH_CALLS } from './batch.js';
import * as routes from './routes.js';

/** Shared parts worth a component of their own (they appear in many operations). */
const SHARED = ['Payload', 'Failure', 'HistoryEvent', 'Command', 'RetryPolicy', 'ActivityTimeouts', 'WorkflowStatus', 'ExecutionRef'] as const;

/** Each schema object's exported name: components are named after the protocol's types. */
function schemaNames(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  const add = (entries: [string, unknown][], rename = (n: string) => n) => {
    for (const [name, value] of entries) if (value instanceof z.ZodType && !names.has(value)) names.set(value, rename(name));
  };
  add(Object.entries(protocol));
  names.set(ErrorBody, 'ErrorBody');
  return names;
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });

function build(): Record<string, unknown> {
  const names = schemaNames();
  const registry = z.registry<{ id: string }>();
  const register = (schema: z.ZodType): string => {
    const id = names.get(schema);
    if (!id) throw new Error('openapi: a route schema has no exported name');
    if (!registry.has(schema)) registry.add(schema, { id });
    return id;
  };
  for (const name of SHARED) register(protocol[name] as z.ZodType);
  register(ErrorBody);
  const paths: Record<string, unknown> = {};
  for (const operation of ENGINE_OPERATIONS) {
    const route = routes.ROUTES[operation];
    paths[`/v1/${operation}`] = {
      post: {
        operationId: operation,
        summary: route.summary,
        description: `Resending: ${RETRY_SAFETY_DOC[route.retry]}`,
        'x-endure-retry-safety': route.retry,
        // Which API-key roles may call it, and where it acts (see the route table).
        'x-endure-access': { roles: [...route.access.roles], namespace: route.access.namespace },
        requestBody: { required: true, content: json(register(route.request)) },
        responses: {
          '200': { description: 'Success', content: json(register(route.response)) },
          default: { description: 'Error: 4xx for a bad or refused request, 5xx when the server cannot serve it', content: json('ErrorBody') },
        },
      },
    };
  }
  registry.add(BatchRequest, { id: 'BatchRequest' });
  registry.add(BatchResponse, { id: 'BatchResponse' });
  paths['/v1/batch'] = {
    post: {
      operationId: 'batch',
      summary: `Several calls (up to ${MAX_BATCH_CALLS}, no long-polls) in one request; one answer per call, in order: { result } or { error }.`,
      requestBody: { required: true, content: json('BatchRequest') },
      responses: {
        '200': { description: 'Every call answered (each may have failed on its own)', content: json('BatchResponse') },
        default: { description: 'Error: the batch itself is malformed or refused', content: json('ErrorBody') },
      },
    },
  };
  const probe = (operationId: string, summary: string, ok: string) => ({
    get: {
      operationId,
      summary,
      security: [],
      responses: {
        '200': { description: ok, content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] } } } },
        '503': { description: 'UNAVAILABLE; the message names the cause', content: json('ErrorBody') },
      },
    },
  });
  paths['/v1/health/live'] = probe(
    'healthLive',
    'Liveness: 503 once the engine stopped after a storage failure (it takes no work until the process restarts; the message names the cause, in full to callers with a valid key). A server shutting down is still live.',
    'Alive (possibly draining for shutdown)',
  );
  paths['/v1/health/ready'] = probe('healthReady', 'Readiness: 503 when not live, and while the server shuts down.', 'Serving requests');
  paths['/v1/health'] = probe('health', 'The same as /v1/health/ready.', 'Serving requests');
  paths['/v1/openapi.json'] = { get: { operationId: 'openapi', summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1 document' } } } };
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  for (const s of Object.values(schemas)) {
    delete (s as Record<string, unknown>)['$schema'];
    delete (s as Record<string, unknown>)['$id'];
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Endure server API',
      version: '1',
      description: 'Every operation is POST /v1/<operation> with a JSON body. Errors are { error: { code, message, details? } }.',
    },
    components: { schemas, securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Required when the server was started with API keys' } } },
    security: [{ apiKey: [] }],
    paths,
  };
}

let cached: Record<string, unknown> | undefined;
export function openApiDocument(): Record<string, unknown> {
  return (cached ??= build());
}
