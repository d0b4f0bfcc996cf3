// The task-token key ring (getTokenKeys / putTokenKeys): order, replacement, atomicity, durability.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenKeyRecord } from '../port.js';
import type { WithStore } from './harness.js';

const T = 1_700_000_000_000;
const key = (keyId: string, createdTime = T): TokenKeyRecord => ({ keyId, secret: `secret-of-${keyId}-ÿ+/=`, createdTime });

export function tokenKeysSuite(withStore: WithStore, durable: boolean): void {
  void describe('task-token keys', () => {
    void it('a new store has none; a ring round-trips in the order it was put', () =>
      withStore(async (ctx) => {
        assert.deepEqual(await ctx.store.getTokenKeys(), []);
        const ring = [key('zz', T + 2), key('aa', T + 1), key('mm', T)];
        await ctx.store.putTokenKeys(ring);
        assert.deepEqual(await ctx.store.getTokenKeys(), ring, 'the order given, not sorted by id or time');
        if (durable) assert.deepEqual(await (await ctx.reopen()).getTokenKeys(), ring);
      }));

    void it('a put replaces the whole ring: keys left out are gone', () =>
      withStore(async (ctx) => {
        await ctx.store.putTokenKeys([key('k1'), key('k0')]);
        await ctx.store.putTokenKeys([key('k2', T + 1), key('k1')]);
        assert.deepEqual((await ctx.store.getTokenKeys()).map((k) => k.keyId), ['k2', 'k1']);
        await ctx.store.putTokenKeys([]);
        assert.deepEqual(await ctx.store.getTokenKeys(), []);
        if (durable) assert.deepEqual(await (await ctx.reopen()).getTokenKeys(), []);
      }));

    void it('puts apply in call order, and a ring repeating a key id rejects and changes nothing', () =>
      withStore(async ({ store }) => {
        const first = store.putTokenKeys([key('a')]);
        const second = store.putTokenKeys([key('b'), key('a')]);
        await Promise.all([first, second]);
        assert.deepEqual((await store.getTokenKeys()).map((k) => k.keyId), ['b', 'a']);
        await assert.rejects(store.putTokenKeys([key('c'), key('c')]));
        assert.deepEqual((await store.getTokenKeys()).map((k) => k.keyId), ['b', 'a']);
      }));

    void it('reads are copies: changing what was put or read changes nothing stored', () =>
      withStore(async ({ store }) => {
        const ring = [key('a')];
        await store.putTokenKeys(ring);
        ring[0]!.secret = 'changed';
        const read = await store.getTokenKeys();
        read[0]!.secret = 'changed too';
        assert.equal((await store.getTokenKeys())[0]!.secret, key('a').secret);
      }));
  });
}
