// A seeded generator of malformed and hostile requests. Every case is invalid by construction
// (or names a workflow that does not exist), so none may change stored data or succeed.
import type { EngineOperation } from '@endure/protocol';
import { mulberry32 } from '@endure/common';

export interface FuzzCase {
  category: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Send this many bytes of junk (chunked or with a declared length) instead of `body`. */
  hugeBytes?: number;
  declareLength?: boolean;
}

/** The shared seedable generator (re-exported under this harness's name). */
export const prng = mulberry32;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const P: Json = { metadata: { encoding: 'json/plain' }, data: '1' };

/** Valid-looking requests to mutate, with the keys they cannot do without. */
function templates(existing: string): Partial<Record<EngineOperation, { body: Record<string, Json>; required: string[] }>> {
  const ref = { namespace: 'default', workflowId: existing };
  const exec = ['namespace', 'workflowId'];
  return {
    startWorkflow: { body: { namespace: 'default', workflowId: existing, workflowType: 't', taskQueue: 'q', input: [P] }, required: ['namespace', 'workflowId', 'workflowType', 'taskQueue', 'input'] },
    describeWorkflow: { body: ref, required: exec },
    getHistory: { body: { ...ref, fromEventId: 1 }, required: exec },
    getResult: { body: { ...ref, timeoutMs: 0 }, required: exec },
    requestCancelWorkflow: { body: { ...ref, reason: 'r' }, required: exec },
    signalWorkflow: { body: { ...ref, signalName: 's', input: [P] }, required: [...exec, 'signalName', 'input'] },
    queryWorkflow: { body: { ...ref, queryType: 'q', args: [], timeoutMs: 100 }, required: [...exec, 'queryType', 'args'] },
    updateWorkflow: { body: { ...ref, updateId: 'u', updateName: 'n', args: [], timeoutMs: 100 }, required: [...exec, 'updateId', 'updateName', 'args'] },
    pollUpdate: { body: { ...ref, updateId: 'u', timeoutMs: 100 }, required: [...exec, 'updateId'] },
    terminateWorkflow: { body: { ...ref, reason: 'r' }, required: exec },
    pollWorkflowTask: { body: { namespace: 'default', taskQueue: 'q', identity: 'fz', timeoutMs: 0 }, required: ['namespace', 'taskQueue', 'identity'] },
    pollActivityTask: { body: { namespace: 'default', taskQueue: 'q', identity: 'fz', timeoutMs: 0 }, required: ['namespace', 'taskQueue', 'identity'] },
    completeWorkflowTask: { body: { taskToken: 'x', commands: [], sawUpTo: 1, time: 1 }, required: ['taskToken', 'commands', 'sawUpTo', 'time'] },
    failWorkflowTask: { body: { taskToken: 'x', failure: { message: 'm' } }, required: ['taskToken', 'failure'] },
    completeActivityTask: { body: { taskToken: 'x', result: P }, required: ['taskToken'] },
    failActivityTask: { body: { taskToken: 'x', failure: { message: 'm' } }, required: ['taskToken', 'failure'] },
    heartbeatActivityTask: { body: { taskToken: 'x', details: [P] }, required: ['taskToken'] },
    releaseTask: { body: { taskToken: 'x' }, required: ['taskToken'] },
    activityTaskToken: { body: { ...ref, activityId: 'a' }, required: [...exec, 'activityId'] },
    listWorkflows: { body: { namespace: 'default', query: "WorkflowType = 't'", pageSize: 10 }, required: ['namespace'] },
    countWorkflows: { body: { namespace: 'default', query: "WorkflowType = 't'" }, required: ['namespace'] },
    registerNamespace: { body: { namespace: 'fuzz-ns', retentionMs: 86_400_000 }, required: ['namespace'] },
    describeNamespace: { body: { namespace: 'default' }, required: ['namespace'] },
    addSearchAttributes: { body: { namespace: 'default', searchAttributes: { FuzzAttr: 'Keyword' } }, required: ['namespace', 'searchAttributes'] },
    describeTaskQueue: { body: { namespace: 'default', taskQueue: 'q' }, required: ['namespace', 'taskQueue'] },
  };
}

/** Ids with a length limit: 10 KB of text breaks it. */
const LIMITED = ['namespace', 'workflowId', 'workflowType', 'taskQueue', 'updateId'];

const BROKEN_FILTERS = [
  "WorkflowType = 't' AND",
  "WorkflowType = 't' OR (",
  "(WorkflowType = 't'",
  "WorkflowType = 't')",
  "WorkflowType = 't",
  "WorkflowType = ",
  '= \'t\'',
  "WorkflowType == 't'",
  "WorkflowType = 't' LIMIT 5",
  "WorkflowType = 't'; DROP TABLE runs; --",
  "NoSuchAttribute = 'x'",
  "HistoryLength = 'many'",
  "StartTime > 'yesterday-ish'",
  'WorkflowId IN ()',
  "WorkflowId IN ('a', )",
  "HistoryLength BETWEEN 1",
  "HistoryLength BETWEEN 1 AND",
  "WorkflowId STARTS_WITH",
  'AND OR NOT',
  '((((((((((',
  "WorkflowType = 't' AND AND WorkflowId = 'x'",
  "WorkflowType = \"t\" AND",
];

export function* fuzzCases(seed: number, count: number, existing: string[]): Generator<FuzzCase> {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number) => Math.floor(rand() * n);
  const json = { 'content-type': 'application/json' };
  const ops = (target: string) => templates(target);
  const post = (category: string, op: string, body: string | Buffer, headers: Record<string, string> = json): FuzzCase => ({ category, method: 'POST', path: `/v1/${op}`, headers, body });

  const wrongValue = (v: Json): Json => {
    const deep = (n: number): Json => (n === 0 ? 1 : [deep(n - 1)]);
    const options: Json[] =
      typeof v === 'string' ? [int(1000), [], {}, null, true] : typeof v === 'number' ? ['12', [], {}, null, false] : Array.isArray(v) ? ['x', 7, {}, null] : v && typeof v === 'object' ? ['x', 7, [1, 2], null] : ['x', 7];
    return rand() < 0.1 ? deep(100) : pick(options);
  };
  /** Replaces a value somewhere inside `body` with one of the wrong type. */
  const mutateDeep = (body: Json): Json => {
    if (body === null || typeof body !== 'object' || rand() < 0.35) return wrongValue(body);
    if (Array.isArray(body)) return body.length ? body.map((x, i, all) => (i === int(all.length) ? mutateDeep(x) : x)) : [wrongValue({})];
    const keys = Object.keys(body);
    const k = pick(keys);
    return { ...body, [k]: mutateDeep(body[k]!) };
  };

  const categories: (() => FuzzCase)[] = [
    () => {
      const [op, t] = pick(Object.entries(ops(pick(existing))));
      const k = pick(Object.keys(t.body));
      return post('wrong type', op, JSON.stringify({ ...t.body, [k]: wrongValue(t.body[k]!) }));
    },
    () => {
      const [op, t] = pick(Object.entries(ops(pick(existing))));
      const body = { ...t.body };
      const k = pick(Object.keys(body));
      body[k] = mutateDeep(body[k]!);
      if (JSON.stringify(body) === JSON.stringify(t.body)) body[k] = wrongValue(t.body[k]!);
      return post('wrong type inside', op, JSON.stringify(body));
    },
    () => {
      const [op, t] = pick(Object.entries(ops(pick(existing))));
      const body = { ...t.body };
      delete body[pick(t.required)];
      return post('missing field', op, JSON.stringify(body));
    },
    () => {
      const [op, t] = pick(Object.entries(ops(pick(existing))).filter(([, t]) => LIMITED.some((k) => k in t.body)));
      const k = pick(LIMITED.filter((f) => f in t.body));
      return post('10 KB id', op, JSON.stringify({ ...t.body, [k]: pick(['x', 'ü', '€', '0']).repeat(10_240) }));
    },
    () => {
      const op = pick(['listWorkflows', 'countWorkflows']);
      let query = pick(BROKEN_FILTERS);
      if (rand() < 0.4) query = `WorkflowId = '${pick(existing)}' ${pick(['AND', 'OR'])} ${query}`;
      if (rand() < 0.2) query = 'x'.repeat(10_001 + int(5000));
      return post('bad filter', op, JSON.stringify({ namespace: 'default', query }));
    },
    () => {
      const [op, t] = pick(Object.entries(ops(pick(existing))));
      const text = JSON.stringify(t.body);
      const broken = pick([
        () => text.slice(0, int(text.length)),
        () => text + pick(['}', ',', ']', 'x', '\u0000', '{}']),
        () => text.replace(/"/g, "'"),
        () => text.replace(/:/, ': NaN, "x":'),
        () => `{${text}`,
        () => text.replace(/}$/, ', }'),
        () => '\uFEFF' + text.replace(/"namespace"/, 'namespace'),
      ])();
      if (broken.trim() === '') return post('bad JSON', op, '{');
      return post('bad JSON', op, broken);
    },
    () => {
      const [op, t] = pick(Object.entries(ops(pick(existing))));
      return post('bad JSON bytes', op, Buffer.concat([Buffer.from(JSON.stringify(t.body)), Buffer.from([0xff, 0xfe, int(256)])]));
    },
    () => post('not an object', pick(Object.keys(ops('x'))), pick(['[]', '"text"', '42', 'null', 'true', '[{"namespace":"default"}]'])),
    () => {
      const depth = 100 + int(20_000);
      const [open, close] = pick([['[', ']'], ['{"a":', '}']] as const);
      return post('deep nesting', pick(Object.keys(ops('x'))), open.repeat(depth) + '1' + close.repeat(depth));
    },
    () => {
      const path = pick([
        `/v1/${pick(['dropTables', 'admin', 'StartWorkflow', 'start_workflow', '__proto__', 'constructor', 'toString', 'hasOwnProperty'])}`,
        `/v2/startWorkflow`,
        `/v1/startWorkflow/extra`,
        `/v1/../../etc/passwd`,
        `/v1/%2e%2e/%00`,
        `/${'a'.repeat(10_240)}`,
        `/v1/${'A'.repeat(65 + int(100))}`,
        '/',
        '/v1',
        '/v1/',
      ]);
      return { category: 'unknown route', method: pick(['GET', 'POST']), path, headers: json, body: '{}' };
    },
    () => {
      const op = pick(Object.keys(ops('x')));
      return { category: 'wrong method', method: pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']), path: `/v1/${op}`, headers: json, body: '{}' };
    },
    () => {
      const [op, t] = pick(Object.entries(ops(pick(existing))));
      return post('wrong content type', op, JSON.stringify(t.body), { 'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) });
    },
    () => {
      const op = pick(['describeWorkflow', 'getHistory', 'signalWorkflow', 'requestCancelWorkflow', 'terminateWorkflow', 'queryWorkflow']);
      const t = ops(`fuzz-missing-${int(1e9)}`)[op as EngineOperation]!;
      return post('no such workflow', op, JSON.stringify(t.body));
    },
    () => {
      const op = pick(['completeActivityTask', 'failWorkflowTask', 'heartbeatActivityTask', 'releaseTask', 'respondQueryTask']);
      const token = pick(['', 'x', 'null', '{}', 'a'.repeat(5000), Buffer.from(JSON.stringify({ ns: 'default', id: pick(existing) })).toString('base64')]);
      const body: Record<string, Json> = { taskToken: token };
      if (op === 'failWorkflowTask') body['failure'] = { message: 'm' };
      return post('forged task token', op, JSON.stringify(body));
    },
  ];

  for (let i = 0; i < count; i++) {
    // A few huge bodies: over the 8 MB default, streamed or declared up front.
    if (i % 250 === 100) {
      yield { category: 'huge body', method: 'POST', path: `/v1/${pick(['startWorkflow', 'signalWorkflow'])}`, headers: json, hugeBytes: 9 * 1024 * 1024, declareLength: i % 500 === 100 };
      continue;
    }
    yield categories[i % categories.length]!();
  }
}
