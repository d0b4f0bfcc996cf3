// `endure namespace …`, `endure task-queue describe`, `endure operator search-attribute …` and
// `endure operator rotate-token-key`
// against a real server process, plus the global flags and connection errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { endure, freePort, json, startDevServer, startWorker, tempDir, type DevServer, type TestWorker } from './fixtures/cli-harness.js';

describe('endure namespace / task-queue / operator', () => {
  const tmp = tempDir();
  let server: DevServer;
  let worker: TestWorker | undefined;
  const cli = (...args: string[]) => endure(['--address', server.url, ...args]);

  before(async () => {
    server = await startDevServer(['--db', join(tmp.dir, 'endure.db')]);
  });
  after(async () => {
    await worker?.stop();
    assert.equal(await server?.stop(), 0, server?.stderr());
    tmp.remove();
  });

  it('namespace create / describe / list', async () => {
    const created = await cli('namespace', 'create', 'orders', '--description', 'order processing', '--retention', '72h');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), "Namespace 'orders' created (retention 3d).");

    const described = await cli('namespace', 'describe', 'orders');
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /Namespace\s+orders/);
    assert.match(described.stdout, /Description\s+order processing/);
    assert.match(described.stdout, /Retention\s+3d/);
    assert.match(described.stdout, /CustomKeywordField\s+Keyword/);

    const doc = json<{ namespace: string; retentionMs: number; description: string }>(await cli('-n', 'orders', 'namespace', 'describe', '-o', 'json'));
    assert.deepEqual([doc.namespace, doc.retentionMs, doc.description], ['orders', 72 * 3_600_000, 'order processing']);

    const listed = await cli('namespace', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^NAMESPACE\s+RETENTION\s+CREATED TIME\s+DESCRIPTION$/m);
    assert.match(listed.stdout, /^default\s/m);
    assert.match(listed.stdout, /^orders\s+3d\s+\S+\s+order processing$/m);
    const all = json<{ namespaces: { namespace: string }[] }>(await cli('namespace', 'list', '-o', 'json'));
    assert.ok(all.namespaces.some((n) => n.namespace === 'orders'));

    const dup = await cli('namespace', 'create', 'orders');
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /^error: .*orders/);
    const missing = await cli('namespace', 'describe', 'nowhere');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nowhere/);
    const badName = await cli('namespace', 'create', 'bad name');
    assert.equal(badName.code, 2);
    const badRetention = await cli('namespace', 'create', 'x1', '--retention', 'forever');
    assert.equal(badRetention.code, 2);
    assert.match(badRetention.stderr, /--retention: cannot read 'forever' as a duration/);
  });

  it('keeps namespaces apart: a workflow started in one is not listed in another', async () => {
    await cli('namespace', 'create', 'isolated');
    const started = await cli('-n', 'isolated', 'workflow', 'start', '--type', 'counter', '-t', 'nobody', '-w', 'iso-1');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /Namespace\s+isolated/);
    assert.equal((await cli('-n', 'isolated', 'workflow', 'count', '-q', "WorkflowId = 'iso-1'")).stdout.trim(), 'Total: 1');
    assert.equal((await cli('workflow', 'count', '-q', "WorkflowId = 'iso-1'")).stdout.trim(), 'Total: 0');
    assert.equal((await endure(['workflow', 'describe', '-w', 'iso-1'], { env: { ENDURE_ADDRESS: server.url, ENDURE_NAMESPACE: 'isolated' } })).code, 0);
  });

  it('operator search-attribute create / list, then filtering on the new attribute', async () => {
    const created = await cli('operator', 'search-attribute', 'create', '--name', 'CustomerId', '--type', 'Keyword', '--name', 'Amount', '--type', 'Double');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /CustomerId \(Keyword\), Amount \(Double\)/);

    const listed = await cli('operator', 'search-attribute', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^WorkflowId\s+Keyword\s+system$/m);
    assert.match(listed.stdout, /^CustomerId\s+Keyword\s+custom$/m);
    assert.match(listed.stdout, /^Amount\s+Double\s+custom$/m);
    const doc = json<{ system: Record<string, string>; custom: Record<string, string> }>(await cli('operator', 'search-attribute', 'list', '-o', 'json'));
    assert.equal(doc.custom['CustomerId'], 'Keyword');
    assert.equal(doc.system['StartTime'], 'Datetime');

    await cli('workflow', 'start', '--type', 'counter', '-t', 'nobody', '-w', 'sa-1', '--search-attribute', 'CustomerId="c-7"', '--search-attribute', 'Amount=12.5');
    const found = json<{ executions: { workflowId: string; searchAttributes: Record<string, unknown> }[] }>(await cli('workflow', 'list', '-q', "CustomerId = 'c-7' AND Amount > 10", '-o', 'json'));
    assert.deepEqual(found.executions.map((x) => [x.workflowId, x.searchAttributes]), [['sa-1', { CustomerId: 'c-7', Amount: 12.5 }]]);

    const badType = await cli('operator', 'search-attribute', 'create', '--name', 'X', '--type', 'Blob');
    assert.equal(badType.code, 2);
    assert.match(badType.stderr, /--type must be one of Keyword, Text, Int, Double, Bool, Datetime, KeywordList/);
    const unpaired = await cli('operator', 'search-attribute', 'create', '--name', 'A', '--name', 'B', '--name', 'C', '--type', 'Int', '--type', 'Int');
    assert.equal(unpaired.code, 2);
  });

  it('operator rotate-token-key: a new signing key, the previous one still accepted, the one before retired', async () => {
    const first = await cli('operator', 'rotate-token-key');
    assert.equal(first.code, 0, first.stderr);
    const [, newKey, accepted] = /^Task tokens are now signed with key (\S+)\.\nAccepted: (.+)\.\nNo key was retired\.\n$/.exec(first.stdout) ?? [];
    assert.ok(newKey, first.stdout);
    const original = accepted!.split(', ')[1]!;
    assert.deepEqual(accepted!.split(', '), [newKey, original]);
    const second = json<{ keyId: string; acceptedKeyIds: string[]; retiredKeyIds: string[] }>(await cli('operator', 'rotate-token-key', '-o', 'json'));
    assert.deepEqual(second.acceptedKeyIds, [second.keyId, newKey]);
    assert.deepEqual(second.retiredKeyIds, [original]);
  });

  it('task-queue describe shows pollers seen and the backlog', async () => {
    const waiting = 'backlogged';
    await cli('workflow', 'start', '--type', 'greet', '-t', waiting, '-w', 'backlog-1', '-i', '"x"');
    await cli('workflow', 'start', '--type', 'greet', '-t', waiting, '-w', 'backlog-2', '-i', '"y"');
    const idle = await cli('task-queue', 'describe', '-t', waiting);
    assert.equal(idle.code, 0, idle.stderr);
    assert.match(idle.stdout, /2 workflow task\(s\) and 0 activity task\(s\) waiting/);
    assert.match(idle.stdout, /^No worker has polled task queue 'backlogged' in the last 5 minutes/m);

    worker = await startWorker(server.url, waiting, { identity: 'tq-worker-1' });
    assert.equal((await cli('workflow', 'result', '-w', 'backlog-2')).code, 0);
    const busy = await cli('task-queue', 'describe', '--task-queue', waiting);
    assert.match(busy.stdout, /0 workflow task\(s\) and 0 activity task\(s\) waiting/);
    assert.match(busy.stdout, /^workflow\s+tq-worker-1\s+\d{4}-/m);
    assert.match(busy.stdout, /^activity\s+tq-worker-1\s+\d{4}-/m);
    const doc = json<{ taskQueue: string; workflow: { backlog: number; pollers: { identity: string }[] } }>(await cli('task-queue', 'describe', '-t', waiting, '-o', 'json'));
    assert.equal(doc.taskQueue, waiting);
    assert.equal(doc.workflow.backlog, 0);
    assert.deepEqual(doc.workflow.pollers.map((p) => p.identity), ['tq-worker-1']);
  });
});

describe('endure: connection errors and help', () => {
  it('exits 3 with a hint when no server listens at the address', async () => {
    const address = `http://127.0.0.1:${await freePort()}`;
    for (const args of [['workflow', 'list'], ['namespace', 'list'], ['workflow', 'describe', '-w', 'x'], ['task-queue', 'describe', '-t', 'q']]) {
      const r = await endure(['--address', address, ...args]);
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        `error: cannot reach Endure server at ${address}; start one with \`endure server start-dev\` (or pass the --address of a running one), or use --address sqlite:./endure.db to work on a database file no process holds\n`,
      );
      assert.equal(r.stdout, '');
    }
    const viaEnv = await endure(['workflow', 'count'], { env: { ENDURE_ADDRESS: address } });
    assert.equal(viaEnv.code, 3);
    assert.match(viaEnv.stderr, new RegExp(`at ${address};`));
  });

  it('exits 2 on an address it cannot read', async () => {
    const r = await endure(['--address', 'gopher://x', 'workflow', 'list']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: bad --address: /);
  });

  it('--help lists the command groups and documents exit codes and environment variables; --version prints it', async () => {
    const help = await endure(['--help']);
    assert.equal(help.code, 0);
    for (const group of ['server', 'workflow', 'namespace', 'task-queue', 'operator', 'db']) assert.match(help.stdout, new RegExp(`^  ${group}\\b`, 'm'));
    assert.match(help.stdout, /Exit codes:\n\s+0\s+success\n\s+1\s+the operation failed.*\n\s+2\s+usage error[^]*?\n\s+3\s+cannot reach the server/);
    assert.match(help.stdout, /ENDURE_ADDRESS/);
    const wfHelp = await endure(['workflow', 'start', '--help']);
    assert.equal(wfHelp.code, 0);
    assert.match(wfHelp.stdout, /-w, --workflow-id <id>/);
    assert.match(wfHelp.stdout, /-t, --task-queue <name>/);
    assert.match(wfHelp.stdout, /-i, --input <json>/);
    const version = await endure(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
    const bare = await endure(['workflow']);
    assert.equal(bare.code, 2, 'a group without a command is a usage error');
    assert.match(bare.stderr, /Usage: endure workflow/);
  });
});
