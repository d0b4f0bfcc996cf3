// protocol's operation table is the one list of operations: each entry is routed, documented in
// OpenAPI with its own schemas, summary and retry safety, and a method of the engine and of both
// transports; a call that waits is never batched (table, server, transport); and a request is
// validated once on each path (the server's, the embedded transport's).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { z } from 'zod';
import * as protocol from '@endure/protocol';
import { ENGINE_OPERATIONS, OPERATIONS, specOf, type EngineOperation } from '@endure/protocol';
import { openEmbeddedTransport } from '@endure/embedded';
import { openTransport } from '@endure/transport';
import { ROUTES } from '../src/http/routes.js';
import { countingProxy, errorOf, post, raw, startTestServer, tempDir, type TestServer } from './http-support/harness.js';

const WAITING = ENGINE_OPERATIONS.filter((op) => specOf(op).wait !== undefined);

/** A request each waiting operation answers at once (nothing to wait for, or a zero timeout). */
const ANSWERS_AT_ONCE: Partial<Record<EngineOperation, unknown>> = {
  getHistory: { namespace: 'default', workflowId: 'none', waitNewEvent: true, timeoutMs: 0 },
  getResult: { namespace: 'default', workflowId: 'none', timeoutMs: 0 },
  queryWorkflow: { namespace: 'default', workflowId: 'none', queryType: 'q', args: [], timeoutMs: 1 },
  updateWorkflow: { namespace: 'default', workflowId: 'none', updateId: 'u', updateName: 'n', args: [], timeoutMs: 1 },
  pollUpdate: { namespace: 'default', workflowId: 'none', updateId: 'u', timeoutMs: 1 },
  pollWorkflowTask: { namespace: 'default', taskQueue: 'table', identity: 'test', timeoutMs: 0 },
  pollWorkflowTasks: { namespace: 'default', taskQueue: 'table', identity: 'test', timeoutMs: 0, maxTasks: 2 },
  pollActivityTask: { namespace: 'default', taskQueue: 'table', identity: 'test', timeoutMs: 0 },
  pollActivityTasks: { namespace: 'default', taskQueue: 'table', identity: 'test', timeoutMs: 0, maxTasks: 2 },
};

/** The names protocol exports a schema under (one schema may have two, e.g. TerminateWorkflowRequest). */
function exportedNames(schema: z.ZodType): string[] {
  return Object.entries(protocol)
    .filter(([, v]) => v === schema)
    .map(([name]) => name);
}

type Operations = Record<string, unknown>;
const methodsOf = (api: object): string[] => ENGINE_OPERATIONS.filter((op) => typeof (api as Operations)[op] !== 'function');

describe('the operation table', () => {
  let ts: TestServer;
  const files = tempDir('endure-table-');
  before(async () => {
    ts = await startTestServer();
  });
  after(async () => {
    await ts.close();
    files.remove();
  });

  it('routes every operation, in its order, with its schemas', () => {
    assert.deepEqual(Object.keys(ROUTES), Object.keys(OPERATIONS));
    for (const op of ENGINE_OPERATIONS) {
      assert.equal(ROUTES[op].request, specOf(op).request, op);
      assert.equal(ROUTES[op].response, specOf(op).response, op);
      assert.equal(ROUTES[op].wait, specOf(op).wait, op);
    }
  });

  it('documents every operation in OpenAPI with its own schemas, summary and retry safety', async () => {
    const r = await raw(ts.url, { method: 'GET', path: '/v1/openapi.json' });
    const paths = (r.json as { paths: Record<string, { post?: Record<string, unknown> }> }).paths;
    const refName = (content: unknown) => String((content as { 'application/json': { schema: { $ref: string } } })['application/json'].schema.$ref).replace('#/components/schemas/', '');
    for (const op of ENGINE_OPERATIONS) {
      const doc = paths[`/v1/${op}`]?.post as { summary: string; 'x-endure-retry-safety': string; requestBody: { content: unknown }; responses: { '200': { content: unknown } } } | undefined;
      assert.ok(doc, `${op} is in the OpenAPI document`);
      const spec = specOf(op);
      assert.equal(doc.summary, spec.summary, op);
      assert.equal(doc['x-endure-retry-safety'], spec.retry, op);
      assert.ok(exportedNames(spec.request).includes(refName(doc.requestBody.content)), `${op}'s request is its schema`);
      assert.ok(exportedNames(spec.response).includes(refName(doc.responses['200'].content)), `${op}'s response is its schema`);
    }
  });

  it('is every method of the engine, of the embedded transport and of the HTTP transport, and nothing more', async () => {
    const embedded = await openEmbeddedTransport(join(files.dir, 'methods.db'));
    const http = await openTransport(ts.url);
    try {
      assert.deepEqual(methodsOf(embedded.engine), [], 'operations the engine lacks');
      assert.deepEqual(methodsOf(embedded.api), [], 'operations the embedded transport lacks');
      assert.deepEqual(methodsOf(http.api), [], 'operations the HTTP transport lacks');
      assert.deepEqual(Object.keys(embedded.api).sort(), [...ENGINE_OPERATIONS].sort());
      assert.deepEqual(Object.keys(http.api).sort(), [...ENGINE_OPERATIONS].sort());
    } finally {
      await http.close();
      await embedded.close();
    }
  });

  it('never batches a call that waits: not in the table, not at the server, not in the HTTP transport', async () => {
    assert.ok(WAITING.length > 0);
    assert.deepEqual(
      WAITING.filter((op) => specOf(op).batched),
      [],
      'waiting operations marked batched',
    );
    assert.deepEqual(
      WAITING.filter((op) => !(op in ANSWERS_AT_ONCE)),
      [],
      'waiting operations this test has no request for',
    );
    const batch = await post(ts.url, 'batch', { calls: WAITING.map((operation) => ({ operation, request: ANSWERS_AT_ONCE[operation] })) });
    assert.equal(batch.status, 200, batch.text);
    const results = (batch.json as { results: { error?: { code: string; message: string } }[] }).results;
    WAITING.forEach((op, i) => {
      assert.equal(results[i]?.error?.code, 'INVALID_ARGUMENT', `${op} in a batch: ${JSON.stringify(results[i])}`);
      assert.match(results[i]!.error!.message, new RegExp(`${op} waits \\(long-poll\\) and cannot be batched`));
    });

    const proxy = await countingProxy(ts.url);
    const http = await openTransport(proxy.url);
    try {
      // Each called twice in the same turn, where batched operations would travel together.
      const call = (op: EngineOperation) => ((http.api as unknown as Record<string, (req: unknown) => Promise<unknown>>)[op]!)(ANSWERS_AT_ONCE[op]).catch((err: unknown) => err);
      await Promise.all(WAITING.flatMap((op) => [call(op), call(op)]));
      assert.equal(proxy.counts.get('/v1/batch'), undefined, 'no batch was sent');
      for (const op of WAITING) assert.equal(proxy.counts.get(`/v1/${op}`), 2, `${op} sent alone, each time`);
    } finally {
      await http.close();
      await proxy.close();
    }
  });

  it('validates a request once, at the edge: the server, a batch, the embedded transport', async () => {
    const schema = OPERATIONS.startWorkflow.request as unknown as { safeParse: (v: unknown) => unknown };
    const own = Object.hasOwn(schema, 'safeParse');
    const original = schema.safeParse;
    let parses = 0;
    schema.safeParse = (v: unknown) => {
      parses++;
      return original.call(schema, v);
    };
    const embedded = await openEmbeddedTransport(join(files.dir, 'once.db'));
    try {
      const start = (workflowId: string) => ({ namespace: 'default', workflowId, workflowType: 'w', taskQueue: 'once', input: [] });
      const single = await post(ts.url, 'startWorkflow', start('once-http'));
      assert.equal(single.status, 200, single.text);
      assert.equal(parses, 1, 'POST /v1/startWorkflow');

      const batch = await post(ts.url, 'batch', { calls: [{ operation: 'startWorkflow', request: start('once-batch') }] });
      assert.equal(batch.status, 200, batch.text);
      assert.equal(parses, 2, 'a call of a batch');

      await embedded.api.startWorkflow(start('once-embedded'));
      assert.equal(parses, 3, 'the embedded transport');

      // And a bad request is still refused at each edge, naming the field.
      const bad = { ...start('bad'), input: 'nope' };
      assert.match(errorOf(await post(ts.url, 'startWorkflow', bad)).message, /invalid startWorkflow request: input: /);
      await assert.rejects(embedded.api.startWorkflow(bad as never), { code: 'INVALID_ARGUMENT', message: /invalid startWorkflow request: input: / });
    } finally {
      if (own) schema.safeParse = original;
      else delete (schema as { safeParse?: unknown }).safeParse;
      await embedded.close();
    }
  });
});
