// A transaction whose connection is lost and which the driver then never ends (a driver bug:
// renewable-client.ts leaves such a transaction unsettled on purpose, counting on the driver to
// reject it): the write batcher stops waiting for it a moment after the loss, fails its writes as
// of unknown outcome, and the next batch goes on a new client. Without that, every later write of
// the node would queue behind it forever. The driver is stood in for: this is about its failing
// to do its part, which a real server cannot be made to show on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RenewableClient } from '../src/renewable-client.js';
import { StorageOutcomeUnknownError, WriteBatcher } from '../src/write-batcher.js';
import type { Sql } from '../src/connect.js';

test('a transaction the driver never ends after its connection was lost fails as of unknown outcome, and the next write goes on', async () => {
  const clients: { onclose: () => void; begun: number }[] = [];
  // Client 0's transactions never settle; later clients' commit at once.
  const open = (onclose: () => void): Sql => {
    const c = { onclose, begun: 0 };
    const index = clients.push(c) - 1;
    return {
      begin: (fn: (tx: unknown) => Promise<unknown>) => {
        c.begun++;
        if (index === 0) return new Promise(() => {});
        const tx = Object.assign(() => ({ execute: () => Promise.resolve([{ ok: true }]) }), { unsafe: (s: string) => s });
        return fn(tx);
      },
      end: () => Promise.resolve(),
    } as unknown as Sql;
  };
  const writer = new RenewableClient(open, 1);
  const batcher = new WriteBatcher(writer, {
    lock: { key: 'k', mode: 'shared' },
    maxBatch: 100,
    onBroken: () => assert.fail('a shared store never breaks'),
    explain: (e) => (e instanceof Error ? e : new Error(String(e))),
    lockedOut: () => new Error('locked out'),
  });
  const stuck = batcher.submit({ apply: () => Promise.resolve('first') });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(clients[0]!.begun, 1, 'the first write is in its transaction');
  const began = Date.now();
  clients[0]!.onclose(); // its connection is lost; the driver never ends the transaction
  await assert.rejects(stuck, (e: unknown) => e instanceof StorageOutcomeUnknownError);
  assert.ok(Date.now() - began < 10_000, 'given up a few seconds after the loss');
  assert.equal(await batcher.submit({ apply: () => Promise.resolve('second') }), 'second', 'the next write commits, on a new client');
  assert.equal(clients.length, 2);
});
