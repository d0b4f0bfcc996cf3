// A database written by an earlier release opens under this one: it is upgraded at open, and the
// workflows running in it keep what they had and carry on.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Client, Connection, type WorkflowExecutionInfo } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { memoryLogger, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

const dir = mkdtempSync(join(tmpdir(), 'endure-upgrade-'));

/** A database dump (fixtures/databases): the file's schema SQL, its rows, and its schema version. */
interface Dump {
  schemaVersion: number;
  schema: string[];
  tables: Record<string, Record<string, unknown>[]>;
}

/** Writes the dumped database back to a file, exactly as it was. */
function restore(name: string): string {
  const dump = JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/databases/${name}.json`, import.meta.url)), 'utf8')) as Dump;
  const file = join(dir, `${name}.db`);
  const db = new Database(file);
  try {
    db.transaction(() => {
      for (const sql of dump.schema) db.exec(sql);
      for (const [table, rows] of Object.entries(dump.tables)) {
        for (const row of rows) {
          const cols = Object.keys(row);
          db.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
        }
      }
      db.pragma(`user_version = ${dump.schemaVersion}`);
    })();
  } finally {
    db.close();
  }
  return file;
}

describe('upgrading a database from an earlier release', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a workflow running at schema version 4 keeps its memo and search attributes, and continues', async () => {
    // `running-across-upgrade` ran `tagged` (messages.ts) up to its upsert, and waits for `checkout`.
    const address = `sqlite:${restore('v4-running-workflow-with-memo')}`;
    const connection = await Connection.connect({ address });
    const workerConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection: workerConnection, taskQueue: 'upgrade', workflowsPath: workflowsPath('messages'), activities: makeActivities().activities, logger: memoryLogger() });
    const running = worker.run();
    try {
      const client = new Client({ connection });
      const h = client.workflow.getHandle('running-across-upgrade');
      const merged = { owner: 'ops', ticket: 42, note: 'reviewed' };
      const d = await h.describe();
      assert.equal(d.status.name, 'RUNNING');
      assert.deepEqual(d.memo, merged);
      assert.deepEqual(d.searchAttributes, { CustomerTier: 'gold' });
      const listed: WorkflowExecutionInfo[] = [];
      for await (const x of client.workflow.list({ query: "CustomerTier = 'gold'" })) listed.push(x);
      assert.deepEqual(listed.map((x) => [x.workflowId, x.memo]), [['running-across-upgrade', merged]]);

      await h.signal('checkout');
      assert.deepEqual(await h.result(), {
        before: { memo: { owner: 'ops', ticket: 42 }, searchAttributes: { CustomerTier: 'silver', Region: 'eu' } },
        after: { memo: merged, searchAttributes: { CustomerTier: 'gold' } },
      });
      const closed = await h.describe();
      assert.equal(closed.status.name, 'COMPLETED');
      assert.deepEqual(closed.memo, merged);
    } finally {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    }
  });
});
