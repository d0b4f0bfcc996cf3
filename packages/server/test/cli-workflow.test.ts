// `endure workflow …` driven as a real binary against a real server process and a real worker.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { endure, json, startDevServer, startWorker, tempDir, type DevServer, type TestWorker } from './fixtures/cli-harness.js';

const taskQueue = 'cli-tests';
let seq = 0;
const wid = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

describe('endure workflow', () => {
  const tmp = tempDir();
  let server: DevServer;
  let worker: TestWorker;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => endure(args, { env });

  before(async () => {
    server = await startDevServer(['--db', join(tmp.dir, 'endure.db')]);
    env = { ENDURE_ADDRESS: server.url };
    worker = await startWorker(server.url, taskQueue, { identity: 'cli-test-worker' });
  });
  after(async () => {
    await worker?.stop();
    assert.equal(await server?.stop(), 0, `server did not stop cleanly: ${server?.stderr()}`);
    tmp.remove();
  });

  it('start prints the ids and returns at once; result waits and prints the result', async () => {
    const id = wid('greet');
    const started = await cli('workflow', 'start', '--type', 'greet', '-t', taskQueue, '-w', id, '-i', '"Ada"');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`WorkflowId\\s+${id}`));
    assert.match(started.stdout, /RunId\s+\S+/);
    assert.match(started.stdout, /TaskQueue\s+cli-tests/);

    const result = await cli('workflow', 'result', '-w', id);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Status\s+COMPLETED/);
    assert.match(result.stdout, /Result: "Hello, Ada!"/);

    const asJson = json(await cli('workflow', 'result', '-w', id, '-o', 'json'));
    assert.deepEqual(asJson, { workflowId: id, status: 'COMPLETED', result: 'Hello, Ada!' });
  });

  it('start --output json is one document with stable keys; a workflow id is generated when omitted', async () => {
    const r = await cli('workflow', 'start', '--type', 'greet', '--task-queue', taskQueue, '--input', '"Bob"', '--output', 'json');
    assert.equal(r.code, 0, r.stderr);
    const doc = json<Record<string, string>>(r);
    assert.deepEqual(Object.keys(doc), ['workflowId', 'runId', 'type', 'namespace', 'taskQueue']);
    assert.match(doc['workflowId']!, /^[0-9a-f-]{36}$/);
    assert.equal(doc['namespace'], 'default');
    assert.equal(json(await cli('workflow', 'result', '-w', doc['workflowId']!, '-o', 'json'))['result'], 'Hello, Bob!');
  });

  it('execute prints the result, and exits 1 with the failure message when the workflow fails', async () => {
    const ok = await cli('workflow', 'execute', '--type', 'greet', '-t', taskQueue, '-w', wid('exec'), '-i', '"Cy"');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Result: "Hello, Cy!"/);

    const id = wid('fail');
    const bad = await cli('workflow', 'execute', '--type', 'failing', '-t', taskQueue, '-w', id, '-i', '"no stock"');
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /Status\s+FAILED/);
    assert.equal(bad.stderr.trim(), `error: workflow '${id}' failed: order rejected: no stock`);

    const again = await cli('workflow', 'result', '-w', id, '-o', 'json');
    assert.equal(again.code, 1);
    const doc = json<{ status: string; failure: { message: string; chain: { type: string }[] } }>(again);
    assert.equal(doc.status, 'FAILED');
    assert.equal(doc.failure.message, 'order rejected: no stock');
    assert.ok(doc.failure.chain.some((c) => c.type === 'OrderRejected'), JSON.stringify(doc.failure.chain));
  });

  it('signal, query and update steer a running workflow; its result reflects them', async () => {
    const id = wid('counter');
    assert.equal((await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', id, '-i', '10')).code, 0);
    const signaled = await cli('workflow', 'signal', '-w', id, '--name', 'add', '-i', '5');
    assert.equal(signaled.code, 0, signaled.stderr);
    assert.match(signaled.stdout, /Signal 'add' sent/);

    const queried = await cli('workflow', 'query', '-w', id, '--name', 'total');
    assert.equal(queried.code, 0, queried.stderr);
    assert.equal(queried.stdout.trim(), '15');
    assert.deepEqual(json(await cli('workflow', 'query', '-w', id, '--name', 'total', '-o', 'json')), { workflowId: id, query: 'total', result: 15 });

    const updated = await cli('workflow', 'update', '-w', id, '--name', 'setTotal', '-i', '40', '--update-id', 'u1', '-o', 'json');
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual(json(updated), { workflowId: id, update: 'setTotal', updateId: 'u1', result: 40 });

    const rejected = await cli('workflow', 'update', '-w', id, '--name', 'setTotal', '-i', '-1');
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /^error: update failed: total must be a non-negative number\n$/);

    const unknownQuery = await cli('workflow', 'query', '-w', id, '--name', 'nope');
    assert.equal(unknownQuery.code, 1);
    assert.match(unknownQuery.stderr, /^error: query failed: .*nope/);

    assert.equal((await cli('workflow', 'signal', '-w', id, '--name', 'finish')).code, 0);
    assert.match((await cli('workflow', 'result', '-w', id)).stdout, /Result: 40/);
  });

  it('describe shows status, times and pending work (table and json)', async () => {
    const id = wid('describe');
    await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', id, '--memo', 'owner="ops"');
    const table = await cli('workflow', 'describe', '-w', id);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`WorkflowId\\s+${id}`));
    assert.match(table.stdout, /Status\s+RUNNING/);
    assert.match(table.stdout, /Type\s+counter/);
    assert.match(table.stdout, /Memo\s+\{"owner":"ops"\}/);
    const doc = json<{ status: string; memo: unknown; startTime: string; closeTime: unknown; pendingActivities: unknown[] }>(await cli('workflow', 'describe', '-w', id, '-o', 'json'));
    assert.equal(doc.status, 'RUNNING');
    assert.deepEqual(doc.memo, { owner: 'ops' });
    assert.ok(!Number.isNaN(Date.parse(doc.startTime)));
    assert.equal(doc.closeTime, null);
    assert.deepEqual(doc.pendingActivities, []);
    await cli('workflow', 'terminate', '-w', id);
  });

  it('show prints the history, one event per line, and as json', async () => {
    const id = wid('show');
    await cli('workflow', 'execute', '--type', 'greet', '-t', taskQueue, '-w', id, '-i', '"Di"');
    const table = await cli('workflow', 'show', '-w', id);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.replace(/\n$/, '').split('\n');
    assert.match(lines[0]!, /^\s+1\s+\d{4}-\d\d-\d\dT\S+Z\s+WorkflowExecutionStarted\s+workflowType=greet taskQueue=cli-tests input=\["Di"\]/);
    assert.ok(lines.some((l) => /ActivityTaskScheduled .*activityType=composeGreeting/.test(l)), table.stdout);
    assert.match(lines.at(-1)!, /WorkflowExecutionCompleted\s+result="Hello, Di!"/);

    const doc = json<{ workflowId: string; runId: string; events: { eventId: number; type: string }[] }>(await cli('workflow', 'show', '-w', id, '-o', 'json'));
    assert.equal(doc.workflowId, id);
    assert.equal(doc.events.length, lines.length);
    assert.deepEqual(doc.events.map((e) => e.eventId), lines.map((_, i) => i + 1));
    assert.equal(doc.events.at(-1)?.type, 'WorkflowExecutionCompleted');
  });

  it('show --follow prints events until the run closes', async () => {
    const id = wid('follow');
    await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', id);
    const following = cli('workflow', 'show', '-w', id, '--follow');
    await new Promise((r) => setTimeout(r, 500));
    await cli('workflow', 'signal', '-w', id, '--name', 'finish');
    const r = await following;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /WorkflowExecutionSignaled\s+signalName=finish/);
    assert.match(r.stdout.trim().split('\n').at(-1)!, /WorkflowExecutionCompleted/);
  });

  it('cancel and terminate end running workflows; result then exits 1 saying how it ended', async () => {
    const a = wid('cancel');
    const b = wid('terminate');
    await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', a);
    await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', b);
    const cancelled = await cli('workflow', 'cancel', '-w', a, '--reason', 'not needed');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /Cancellation requested/);
    const terminated = await cli('workflow', 'terminate', '-w', b, '--reason', 'stuck', '-o', 'json');
    assert.equal(terminated.code, 0, terminated.stderr);
    assert.deepEqual(json(terminated), { workflowId: b, terminated: true });

    const ra = await cli('workflow', 'result', '-w', a);
    assert.equal(ra.code, 1);
    assert.match(ra.stdout, /Status\s+CANCELED/);
    assert.match(ra.stderr, new RegExp(`^error: workflow '${a}' ended CANCELED`));
    const rb = await cli('workflow', 'result', '-w', b, '-o', 'json');
    assert.equal(rb.code, 1);
    assert.equal(json(rb)['status'], 'TERMINATED');
    assert.match(rb.stderr, /stuck/);

    const twice = await cli('workflow', 'terminate', '-w', b);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already closed/);
  });

  it('list and count filter runs with --query; list honours --limit; json is one document', async () => {
    const prefix = wid('listed');
    for (const n of ['a', 'b', 'c']) await cli('workflow', 'execute', '--type', 'greet', '-t', taskQueue, '-w', `${prefix}-${n}`, '-i', `"${n}"`);
    await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', `${prefix}-running`);
    const byPrefix = `WorkflowId STARTS_WITH '${prefix}'`;

    const table = await cli('workflow', 'list', '-q', byPrefix);
    assert.equal(table.code, 0, table.stderr);
    const [header, ...rows] = table.stdout.trim().split('\n');
    assert.match(header!, /^STATUS\s+WORKFLOW ID\s+TYPE\s+TASK QUEUE\s+START TIME\s+CLOSE TIME$/);
    assert.equal(rows.length, 4);
    assert.match(rows[0]!, new RegExp(`^RUNNING\\s+${prefix}-running\\s+counter\\s+cli-tests`));
    assert.match(rows[1]!, new RegExp(`^COMPLETED\\s+${prefix}-c\\s+greet`));

    const doc = json<{ executions: { workflowId: string; status: string; closeTime: string | null }[] }>(await cli('workflow', 'list', '-q', `${byPrefix} AND ExecutionStatus = 'Completed'`, '-o', 'json'));
    assert.deepEqual(doc.executions.map((x) => x.workflowId), [`${prefix}-c`, `${prefix}-b`, `${prefix}-a`]);
    assert.ok(doc.executions.every((x) => x.status === 'COMPLETED' && typeof x.closeTime === 'string'));

    const limited = json<{ executions: unknown[] }>(await cli('workflow', 'list', '-q', byPrefix, '--limit', '2', '-o', 'json'));
    assert.equal(limited.executions.length, 2);

    const none = await cli('workflow', 'list', '-q', `WorkflowId = '${prefix}-nothing'`);
    assert.equal(none.stdout.trim(), 'No workflows found.');

    assert.equal((await cli('workflow', 'count', '-q', byPrefix)).stdout.trim(), 'Total: 4');
    assert.deepEqual(json(await cli('workflow', 'count', '-q', `${byPrefix} AND ExecutionStatus = 'Running'`, '-o', 'json')), { count: 1 });
    await cli('workflow', 'terminate', '-w', `${prefix}-running`);
  });

  it('reports an unknown workflow with exit 1 and one line on stderr', async () => {
    for (const cmd of ['describe', 'result', 'show', 'cancel', 'terminate']) {
      const r = await cli('workflow', cmd, '-w', 'no-such-workflow');
      assert.equal(r.code, 1, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /^error: .*no-such-workflow.*not found.*\n$/i, `${cmd}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    const signal = await cli('workflow', 'signal', '-w', 'no-such-workflow', '--name', 'add');
    assert.equal(signal.code, 1);
  });

  it('usage errors exit 2: bad --input JSON, missing required flags, bad --query, unknown commands', async () => {
    const badJson = await cli('workflow', 'start', '--type', 'greet', '-t', taskQueue, '-i', '{oops');
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /--input must be JSON/);
    assert.doesNotMatch(badJson.stderr, /\n\s+at /);

    const missing = await cli('workflow', 'start', '--type', 'greet');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '-t, --task-queue <name>' not specified/);

    const badQuery = await cli('workflow', 'list', '-q', "WorkflowId = 'x' AND");
    assert.equal(badQuery.code, 2, badQuery.stderr);
    assert.match(badQuery.stderr, /^error: /);

    const badOutput = await cli('workflow', 'list', '-o', 'yaml');
    assert.equal(badOutput.code, 2);
    assert.match(badOutput.stderr, /Allowed choices are table, json/);

    const unknown = await cli('workflow', 'frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);

    const badPolicy = await cli('workflow', 'start', '--type', 'greet', '-t', taskQueue, '--id-reuse-policy', 'sometimes');
    assert.equal(badPolicy.code, 2);
    assert.match(badPolicy.stderr, /--id-reuse-policy must be one of ALLOW_DUPLICATE/);
  });

  it('a second start of a running id exits 1; Temporal-style policy names are accepted', async () => {
    const id = wid('dup');
    assert.equal((await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', id)).code, 0);
    const dup = await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', id);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already/);
    const existing = await cli('workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', id, '--id-conflict-policy', 'UseExisting');
    assert.equal(existing.code, 0, existing.stderr);
    await cli('workflow', 'terminate', '-w', id);
  });
});
