// The engine on PostgreSQL, end to end: a `postgres://` address works wherever `sqlite:` does
// (Connection, NativeConnection, Worker in this process), and `endure server --db postgres://…`
// serves it over HTTP.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '@endure/client';
import { uid } from '../src/harness.js';
import { bootApp } from '../src/app-boot.js';
import { freshPostgresSchema } from '../src/postgres-schema.js';
import { startServerProcess } from '../src/server-process.js';

const taskQueue = 'postgres';

const boot = (address: string) => bootApp(address, taskQueue);

describe('the engine on PostgreSQL', () => {
  const drops: (() => Promise<void>)[] = [];
  after(() => Promise.all(drops.map((d) => d())));

  it('runs workflows with activities and timers through Connection and Worker on a postgres:// address, and keeps them across a restart', async () => {
    const s = freshPostgresSchema('e2e');
    drops.push(() => s.drop());
    let app = await boot(s.address);
    const id = uid();
    try {
      assert.deepEqual(await app.client.workflow.execute('sequence', { taskQueue, workflowId: id, args: [3] }), [0, 1, 2]);
      const sleeper = await app.client.workflow.start('sleepy', { taskQueue, workflowId: `${id}-sleep`, args: [300] });
      assert.ok(((await sleeper.result()) as { slept: number }).slept >= 300);
      const listed = [];
      for await (const w of app.client.workflow.list({ query: `WorkflowId = '${id}'` })) listed.push(w);
      assert.deepEqual(listed.map((w) => [w.workflowId, w.status.name]), [[id, 'COMPLETED']]);
    } finally {
      await app.down();
    }
    app = await boot(s.address);
    try {
      const d = await app.client.workflow.getHandle(id).describe();
      assert.equal(d.status.name, 'COMPLETED');
      const events = (await app.client.workflow.getHandle(id).fetchHistory()).events;
      assert.equal(events.at(-1)?.type, 'WorkflowExecutionCompleted');
    } finally {
      await app.down();
    }
  });

  it('endure server --db postgres://… answers a workflow over HTTP, and an in-process opener is sent to it', async () => {
    const s = freshPostgresSchema('srv');
    drops.push(() => s.drop());
    const server = await startServerProcess(s.address);
    try {
      const app = await boot(server.address);
      try {
        assert.deepEqual(await app.client.workflow.execute('sequence', { taskQueue, workflowId: uid(), args: [2] }), [0, 1]);
      } finally {
        await app.down();
      }
      await assert.rejects(Connection.connect({ address: s.address }), (e: unknown) => {
        assert.match(String((e as Error).message), new RegExp(`PostgreSQL schema ${s.schema} at .* is in use by the Endure server at http://127\\.0\\.0\\.1:\\d+ .*connect to that server instead`));
        return true;
      });
    } finally {
      assert.equal(await server.stop(), 0, server.stderr());
    }
  });
});
