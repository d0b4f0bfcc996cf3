// Namespace-scoped API keys over real HTTP, table-driven over every operation of the API: a key
// scoped to one namespace can do nothing in another, each role can call exactly its operations,
// and the check covers batches, long-polls, listings and task tokens.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_OPERATIONS, type ApiKeyRole, type CreateApiKeyResponse, type EngineOperation, type WorkflowTask } from '@endure/protocol';
import { ROUTES } from '../src/http/routes.js';
import { taskTokenNamespace } from '../src/http/task-token-claims.js';
import { errorOf, post, startTestServer, type RawResponse, type TestServer } from './http-support/harness.js';

const SERVER_KEY = 'server-admin-key-0123456789';
const A = 'ns-a';
const B = 'ns-b';
const P = { metadata: { encoding: 'json/plain' }, data: '1' };
/** Long enough that a check made after the wait instead of before it would fail the test. */
const LONG_MS = 30_000;
const SHORT_MS = 50;

let started = 0;
/** A request for every operation, acting in `ns` (or with a task token of `ns`): the compiler demands one per operation. */
function requestFor(ns: string, taskToken: string, waitMs: number): Record<EngineOperation, unknown> {
  const ref = { namespace: ns, workflowId: 'wf' };
  const poll = { namespace: ns, taskQueue: 'nobody-polls-here', identity: 'auth-test', timeoutMs: waitMs };
  return {
    startWorkflow: { namespace: ns, workflowId: `started-${started++}`, workflowType: 't', taskQueue: 'q', input: [] },
    describeWorkflow: ref,
    getHistory: { ...ref, fromEventId: 1000, waitNewEvent: true, timeoutMs: waitMs },
    getResult: { ...ref, timeoutMs: waitMs },
    requestCancelWorkflow: ref,
    signalWorkflow: { ...ref, signalName: 's', input: [] },
    queryWorkflow: { ...ref, queryType: 'q', args: [], timeoutMs: waitMs },
    respondQueryTask: { taskToken, result: P },
    updateWorkflow: { ...ref, updateId: 'u', updateName: 'n', args: [], timeoutMs: waitMs },
    pollUpdate: { ...ref, updateId: 'u', timeoutMs: waitMs },
    terminateWorkflow: ref,
    pollWorkflowTask: poll,
    pollWorkflowTasks: { ...poll, maxTasks: 2 },
    completeWorkflowTask: { taskToken, commands: [], sawUpTo: 1, time: 1 },
    failWorkflowTask: { taskToken, failure: { message: 'm' } },
    pollActivityTask: poll,
    pollActivityTasks: { ...poll, maxTasks: 2 },
    completeActivityTask: { taskToken, result: P },
    failActivityTask: { taskToken, failure: { message: 'm' } },
    cancelActivityTask: { taskToken },
    heartbeatActivityTask: { taskToken },
    heartbeatWorkflowTask: { taskToken },
    releaseTask: { taskToken },
    activityTaskToken: { ...ref, activityId: 'a' },
    listWorkflows: { namespace: ns },
    countWorkflows: { namespace: ns },
    registerNamespace: { namespace: ns },
    describeNamespace: { namespace: ns },
    listNamespaces: {},
    addSearchAttributes: { namespace: ns, searchAttributes: { AuthAttr: 'Keyword' } },
    listSearchAttributes: { namespace: ns },
    describeTaskQueue: { namespace: ns, taskQueue: 'q' },
    rotateTokenKey: {},
    createApiKey: { namespaces: [ns], role: 'reader' },
    listApiKeys: {},
    revokeApiKey: { keyId: 'no-such-key' },
    describeCluster: {},
  };
}

/**
 * What each role may call, written out from the issue (not read from the route table, which is
 * what this checks). Admin may call everything.
 */
const READS: EngineOperation[] = [
  'describeWorkflow', 'getHistory', 'getResult', 'queryWorkflow', 'pollUpdate', 'listWorkflows', 'countWorkflows',
  'describeNamespace', 'listNamespaces', 'listSearchAttributes', 'describeTaskQueue', 'describeCluster',
];
const COMPLETE_ACTIVITY: EngineOperation[] = ['completeActivityTask', 'failActivityTask', 'cancelActivityTask', 'heartbeatActivityTask'];
const ALLOWED: Record<Exclude<ApiKeyRole, 'admin'>, EngineOperation[]> = {
  reader: READS,
  writer: [...READS, 'startWorkflow', 'signalWorkflow', 'updateWorkflow', 'requestCancelWorkflow', 'terminateWorkflow', 'activityTaskToken', ...COMPLETE_ACTIVITY],
  worker: [
    'pollWorkflowTask', 'pollWorkflowTasks', 'completeWorkflowTask', 'failWorkflowTask', 'heartbeatWorkflowTask', 'releaseTask', 'respondQueryTask',
    'pollActivityTask', 'pollActivityTasks', ...COMPLETE_ACTIVITY,
    'describeNamespace', 'listNamespaces', 'getHistory',
    // A cluster's workers read its shape to poll each node and complete at the run's owner.
    'describeCluster',
  ],
};
/** Operations that act on every namespace: only a key for all namespaces (of a role they allow) may call them. */
const GLOBAL: EngineOperation[] = ['rotateTokenKey', 'createApiKey', 'listApiKeys', 'revokeApiKey'];
/** Operations that read nothing of any namespace (the cluster's nodes and shards): a key for any namespace may call them. */
const NO_NAMESPACE: EngineOperation[] = ['describeCluster'];

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('namespace-scoped API keys: every operation', () => {
  let ts: TestServer;
  /** Keys scoped to namespace A, by role. */
  const inA = {} as Record<ApiKeyRole, CreateApiKeyResponse>;
  let readerEverywhere: CreateApiKeyResponse;
  let tokenA: string;
  let tokenB: string;
  const admin = (operation: string, body: unknown) => post(ts.url, operation, body, bearer(SERVER_KEY));
  const ok = async (r: Promise<RawResponse>) => {
    const res = await r;
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  const wftToken = async (ns: string) => {
    await ok(admin('startWorkflow', { namespace: ns, workflowId: 'wf', workflowType: 't', taskQueue: 'q', input: [] }));
    const task = (await ok(admin('pollWorkflowTask', { namespace: ns, taskQueue: 'q', identity: 'setup', timeoutMs: 5000 }))) as WorkflowTask;
    return task.taskToken;
  };

  before(async () => {
    ts = await startTestServer({ apiKeys: [SERVER_KEY] });
    for (const ns of [A, B]) await ok(admin('registerNamespace', { namespace: ns }));
    tokenA = await wftToken(A);
    tokenB = await wftToken(B);
    for (const role of ['reader', 'writer', 'worker', 'admin'] as const) {
      inA[role] = (await ok(admin('createApiKey', { namespaces: [A], role, description: `${role} of A` }))) as CreateApiKeyResponse;
    }
    readerEverywhere = (await ok(admin('createApiKey', { namespaces: ['*'], role: 'reader' }))) as CreateApiKeyResponse;
  });
  after(() => ts.close());

  it('the route table gives every operation of the API its roles, and the test covers every operation', () => {
    const requests = requestFor(A, 'x', 0);
    for (const operation of ENGINE_OPERATIONS) {
      const access = ROUTES[operation].access;
      assert.ok(access && access.roles.length > 0, `${operation} has roles`);
      assert.ok(access.roles.includes('admin'), `${operation}: admin may do everything`);
      assert.ok(operation in requests, `${operation} has a request in this test`);
      const expected: ApiKeyRole[] = [...(['reader', 'writer', 'worker'] as const).filter((role) => ALLOWED[role].includes(operation)), 'admin'];
      assert.deepEqual([...access.roles].sort(), expected.sort(), `${operation}: the roles the issue gives it`);
      assert.equal(access.namespace === 'global', GLOBAL.includes(operation), `${operation}: acts on every namespace or on one`);
      assert.equal(access.namespace === 'none', NO_NAMESPACE.includes(operation), `${operation}: reads no namespace's data`);
    }
    assert.equal(Object.keys(ROUTES).length, ENGINE_OPERATIONS.length);
  });

  it('reads the namespace a task token names (what the check of token operations relies on)', () => {
    assert.equal(taskTokenNamespace(tokenA), A);
    assert.equal(taskTokenNamespace(tokenB), B);
    assert.equal(taskTokenNamespace('garbage'), undefined);
  });

  it('a key scoped to namespace A can do nothing in namespace B: every operation is refused with 403 naming the namespace and the scope, before any wait', async () => {
    const requests = requestFor(B, tokenB, LONG_MS);
    const historyBefore = await ok(admin('getHistory', { namespace: B, workflowId: 'wf' }));
    for (const operation of ENGINE_OPERATIONS) {
      if (operation === 'listNamespaces') continue; // answers, cut to the key's namespaces (below)
      if (NO_NAMESPACE.includes(operation)) continue; // answers: no namespace's data (below)
      const role = ROUTES[operation].access.roles.find((r) => r !== 'admin') ?? 'admin';
      const began = Date.now();
      const r = await post(ts.url, operation, requests[operation], bearer(inA[role].key));
      assert.equal(r.status, 403, `${operation} as ${role} of A: HTTP ${r.status} ${r.text}`);
      const e = errorOf(r);
      assert.equal(e.code, 'PERMISSION_DENIED');
      if (GLOBAL.includes(operation)) {
        assert.match(e.message, new RegExp(`^API key '${inA[role].keyId}' \\(role ${role}, namespace ns-a\\) may not call ${operation}: it acts on every namespace, so it needs a key for all namespaces \\('\\*'\\)$`));
      } else {
        assert.equal(e.message, `API key '${inA[role].keyId}' (role ${role}) may not act in namespace 'ns-b': it is scoped to namespace ns-a; use a key for 'ns-b'`, operation);
        assert.deepEqual(e.details, { operation, namespace: B, keyId: inA[role].keyId, role, namespaces: [A] });
      }
      assert.ok(Date.now() - began < 5000, `${operation}: refused before any long-poll wait`);
    }
    // Nothing happened in B: its run is untouched and still running.
    assert.deepEqual(await ok(admin('getHistory', { namespace: B, workflowId: 'wf' })), historyBefore);
    assert.equal(((await ok(admin('describeWorkflow', { namespace: B, workflowId: 'wf' }))) as { status: string }).status, 'RUNNING');
    const attrs = (await ok(admin('listSearchAttributes', { namespace: B }))) as { custom: Record<string, string> };
    assert.ok(!('AuthAttr' in attrs.custom));
    assert.equal(((await ok(admin('listApiKeys', {}))) as { keys: unknown[] }).keys.length, 5, 'no key was made');
  });

  it('in its own namespace, each role may call exactly its operations: the others are refused naming the roles they need', async () => {
    const requests = requestFor(A, tokenA, SHORT_MS);
    for (const role of ['reader', 'writer', 'worker', 'admin'] as const) {
      for (const operation of ENGINE_OPERATIONS) {
        const r = await post(ts.url, operation, requests[operation], bearer(inA[role].key));
        const allowed = !GLOBAL.includes(operation) && (role === 'admin' || ALLOWED[role].includes(operation));
        if (allowed) {
          // It reached the engine, which may still refuse it on its own terms (a closed run, a used token).
          assert.ok(r.status !== 403 && r.status !== 401, `${role} may call ${operation}: HTTP ${r.status} ${r.text}`);
        } else {
          assert.equal(r.status, 403, `${role} may not call ${operation}: HTTP ${r.status} ${r.text}`);
          if (!GLOBAL.includes(operation)) assert.match(errorOf(r).message, new RegExp(`^API key '${inA[role].keyId}' \\(role ${role}\\) may not call ${operation}: that needs role [a-z ]+$`));
        }
      }
    }
  });

  it('listNamespaces answers only the namespaces the key may act in', async () => {
    const names = async (key: string) => ((await ok(post(ts.url, 'listNamespaces', {}, bearer(key)))) as { namespaces: { namespace: string }[] }).namespaces.map((n) => n.namespace).sort();
    assert.deepEqual(await names(inA.reader.key), [A]);
    assert.deepEqual(await names(inA.worker.key), [A]);
    assert.deepEqual(await names(readerEverywhere.key), ['default', A, B]);
    assert.deepEqual(await names(SERVER_KEY), ['default', A, B]);
  });

  it('describeCluster, the shape of the deployment (nodes, shards; no namespace data): every key may read it, a worker scoped to one namespace too, since clients and workers of a cluster read it to send each request to the right node', async () => {
    for (const key of [readerEverywhere.key, inA.worker.key, inA.reader.key, inA.writer.key]) {
      const described = (await ok(post(ts.url, 'describeCluster', {}, bearer(key)))) as { mode: string };
      assert.equal(described.mode, 'single');
    }
    const refused = await post(ts.url, 'describeCluster', {});
    assert.equal(refused.status, 401, refused.text);
  });

  it('checks each call of a batch on its own', async () => {
    const writer = bearer(inA.writer.key);
    await ok(post(ts.url, 'startWorkflow', { namespace: A, workflowId: 'batch-a', workflowType: 't', taskQueue: 'q', input: [] }, writer));
    const r = await post(ts.url, 'batch', {
      calls: [
        { operation: 'signalWorkflow', request: { namespace: A, workflowId: 'batch-a', signalName: 's', input: [] } },
        { operation: 'terminateWorkflow', request: { namespace: B, workflowId: 'wf' } },
        { operation: 'completeActivityTask', request: { taskToken: tokenB, result: P } },
        { operation: 'registerNamespace', request: { namespace: 'ns-c' } },
      ],
    }, writer);
    assert.equal(r.status, 200, r.text);
    const results = (r.json as { results: ({ result: unknown } | { error: { code: string; message: string } })[] }).results;
    assert.deepEqual(results[0], { result: {} });
    assert.deepEqual(results.slice(1).map((x) => ('error' in x ? x.error.code : 'ok')), ['PERMISSION_DENIED', 'PERMISSION_DENIED', 'PERMISSION_DENIED']);
    assert.match((results[1] as { error: { message: string } }).error.message, /may not act in namespace 'ns-b'/);
    assert.match((results[3] as { error: { message: string } }).error.message, /may not call registerNamespace: that needs role admin/);
    assert.equal(((await ok(admin('describeWorkflow', { namespace: B, workflowId: 'wf' }))) as { status: string }).status, 'RUNNING');
  });

  it('a token of namespace B altered to name namespace A passes the key check and is refused by the engine', async () => {
    const [keyId, payload, signature] = tokenB.split('.') as [string, string, string];
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown[];
    fields[1] = A;
    const forged = `${keyId}.${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${signature}`;
    const r = await post(ts.url, 'completeWorkflowTask', { taskToken: forged, commands: [], sawUpTo: 1, time: 1 }, bearer(inA.worker.key));
    assert.deepEqual([r.status, errorOf(r).code], [400, 'INVALID_ARGUMENT']);
    assert.match(errorOf(r).message, /^taskToken: the signature does not match/);
  });

  it('a revoked key is refused at once; listing never shows secrets', async () => {
    const temp = (await ok(admin('createApiKey', { namespaces: [A], role: 'reader' }))) as CreateApiKeyResponse;
    assert.equal((await post(ts.url, 'describeNamespace', { namespace: A }, bearer(temp.key))).status, 200);
    const listed = (await ok(admin('listApiKeys', {}))) as { keys: Record<string, unknown>[] };
    const entry = listed.keys.find((k) => k['keyId'] === temp.keyId);
    assert.deepEqual(Object.keys(entry ?? {}).sort(), ['createdTime', 'description', 'keyId', 'namespaces', 'role']);
    assert.ok(!JSON.stringify(listed).includes(temp.key.slice('endure_'.length + 13)), 'no secret in the listing');
    await ok(admin('revokeApiKey', { keyId: temp.keyId }));
    const refused = await post(ts.url, 'describeNamespace', { namespace: A }, bearer(temp.key));
    assert.deepEqual([refused.status, errorOf(refused).message], [401, 'the API key is not valid for this server (wrong, or revoked)']);
    const again = await admin('revokeApiKey', { keyId: temp.keyId });
    assert.deepEqual([again.status, errorOf(again).code], [404, 'NOT_FOUND']);
    const badNs = await admin('createApiKey', { namespaces: ['nowhere'], role: 'reader' });
    assert.deepEqual([badNs.status, errorOf(badNs).code], [404, 'NOT_FOUND']);
    assert.match(errorOf(badNs).message, /namespace 'nowhere' is not registered/);
  });
});

describe('API keys on a loopback server without keys of its own', () => {
  it('a request without a key keeps full access; a stored key that is sent is checked and scoped', async () => {
    const ts = await startTestServer();
    try {
      assert.equal((await post(ts.url, 'registerNamespace', { namespace: B })).status, 200, 'no key: today\'s open loopback access');
      const key = (await post(ts.url, 'createApiKey', { namespaces: ['default'], role: 'reader' })).json as CreateApiKeyResponse;
      assert.match(key.key, /^endure_[0-9a-f]{12}_[\w-]{43}$/);
      assert.equal((await post(ts.url, 'listWorkflows', { namespace: 'default' }, bearer(key.key))).status, 200);
      const other = await post(ts.url, 'listWorkflows', { namespace: B }, bearer(key.key));
      assert.deepEqual([other.status, errorOf(other).code], [403, 'PERMISSION_DENIED']);
      const wrong = await post(ts.url, 'listWorkflows', { namespace: 'default' }, bearer(`${key.key.slice(0, -1)}x`));
      assert.equal(wrong.status, 401, 'a key that is sent is always checked');
    } finally {
      await ts.close();
    }
  });
});
