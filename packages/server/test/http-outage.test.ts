// A server that goes away is waited for; an address that never answered fails at once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client, Connection, ServiceError } from '@endure/client';
import { startServer } from '../src/index.js';
import { tempDir } from './http-support/harness.js';

describe('outages seen by a client', () => {
  it('fails at once when the address never answered (a typo, a server not started)', async () => {
    const connection = await Connection.connect({ address: 'http://127.0.0.1:1' });
    const client = new Client({ connection });
    const t0 = Date.now();
    await assert.rejects(
      client.workflow.start('w', { taskQueue: 'q', workflowId: 'never' }),
      (e: unknown) => e instanceof ServiceError && e.code === 'UNAVAILABLE' && /cannot reach Endure server at http:\/\/127\.0\.0\.1:1/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 2_000, `failed after ${Date.now() - t0} ms`);
    await connection.close();
  });

  it('waits for a server it reached before to come back, and the start lands once', async () => {
    const t = tempDir();
    const db = join(t.dir, 'outage.db');
    let server = await startServer({ db, port: 0 });
    const port = server.port;
    const connection = await Connection.connect({ address: server.url });
    const client = new Client({ connection });
    try {
      await client.workflow.start('w', { taskQueue: 'q', workflowId: 'before' });
      await server.close();
      const starting = client.workflow.start('w', { taskQueue: 'q', workflowId: 'during' });
      await new Promise((r) => setTimeout(r, 500));
      server = await startServer({ db, port });
      const handle = await starting;
      assert.equal((await handle.describe()).status.name, 'RUNNING');
      assert.equal((await client.workflow.count()).count, 2);
    } finally {
      await connection.close();
      await server.close();
      t.remove();
    }
  });
});
