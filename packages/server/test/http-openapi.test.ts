// GET /v1/openapi.json: an OpenAPI 3.1 document listing every operation with its schemas.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_OPERATIONS } from '@endure/protocol';
import { raw, startTestServer, type TestServer } from './http-support/harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every `$ref` anywhere in the document. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  let ts: TestServer;
  let doc: Json;
  before(async () => {
    ts = await startTestServer();
    const r = await raw(ts.url, { method: 'GET', path: '/v1/openapi.json' });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    doc = r.json as Json;
  });
  after(() => ts.close());

  it('is OpenAPI 3.1 with info, paths and components', () => {
    assert.equal(doc['openapi'], '3.1.0');
    assert.equal(typeof doc['info'].title, 'string');
    assert.equal(typeof doc['info'].version, 'string');
    assert.equal(doc['components'].securitySchemes.apiKey.scheme, 'bearer');
  });

  it('lists every operation as POST /v1/<operation> with request and response schemas', () => {
    const schemas = doc['components'].schemas as Json;
    for (const operation of ENGINE_OPERATIONS) {
      const op = doc['paths'][`/v1/${operation}`]?.post as Json | undefined;
      assert.ok(op, `${operation} is documented`);
      assert.equal(op['operationId'], operation);
      assert.ok(op['summary'], `${operation} has a summary`);
      // The exactly-once guarantee of each operation is part of its documentation.
      assert.ok(['read', 'keyed', 'idempotent', 'once', 'unsafe'].includes(op['x-endure-retry-safety'] as string), `${operation} says whether a resend is safe`);
      assert.match(op['description'] as string, /^Resending: /);
      const req = op['requestBody'].content['application/json'].schema.$ref as string;
      const res = op['responses']['200'].content['application/json'].schema.$ref as string;
      const err = op['responses']['default'].content['application/json'].schema.$ref as string;
      for (const r of [req, res, err]) assert.ok(schemas[r.replace('#/components/schemas/', '')], `${operation}: ${r} exists`);
    }
    // Plus /v1/batch, which carries several of them.
    assert.equal(Object.keys(doc['paths']).filter((p) => p.startsWith('/v1/') && doc['paths'][p].post).length, ENGINE_OPERATIONS.length + 1);
    const batch = doc['paths']['/v1/batch'].post as Json;
    assert.ok(schemas['BatchRequest'] && schemas['BatchResponse'], 'the batch schemas are components');
    assert.equal(batch['requestBody'].content['application/json'].schema.$ref, '#/components/schemas/BatchRequest');
    // Every change that is keyed documents its requestId field.
    for (const name of ['SignalWorkflowRequest', 'CancelWorkflowRequest', 'CompleteActivityTaskRequest', 'FailActivityTaskRequest', 'CompleteWorkflowTaskRequest', 'StartWorkflowRequest']) {
      assert.ok((schemas[name] as Json)['properties']['requestId'], `${name} has requestId`);
    }
  });

  it('describes requests and responses field by field, and every $ref resolves', () => {
    const schemas = doc['components'].schemas as Json;
    const start = schemas['StartWorkflowRequest'];
    assert.equal(start.type, 'object');
    for (const f of ['namespace', 'workflowId', 'workflowType', 'taskQueue', 'input']) assert.ok(start.required.includes(f), `${f} is required`);
    assert.equal(start.properties.workflowId.maxLength, 1000);
    assert.deepEqual(schemas['StartWorkflowResponse'].required.sort(), ['runId', 'started']);
    const task = schemas['WorkflowTaskOrNull'];
    assert.ok(JSON.stringify(task).includes('"type":"null"'), 'a poll may answer null');
    assert.ok(schemas['HistoryEvent'] && schemas['Failure'] && schemas['Payload'], 'shared parts are components');
    assert.ok(schemas['ErrorBody'].properties.error.properties.code.enum.includes('UNAUTHENTICATED'));
    const missing = refs(doc).filter((r) => !schemas[r.replace('#/components/schemas/', '')]);
    assert.deepEqual(missing, []);
  });
});
