// API keys (putApiKey / listApiKeys / deleteApiKey): round-trip, replace, delete, durability.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKeyRecord } from '../port.js';
import type { WithStore } from './harness.js';

const T = 1_700_000_000_000;
function apiKey(keyId: string, patch: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { keyId, secretHash: `hash-of-${keyId}`, role: 'writer', namespaces: ['orders', 'billing'], description: `key ${keyId} – ü`, createdTime: T, ...patch };
}

export function apiKeysSuite(withStore: WithStore, durable: boolean): void {
  void describe('API keys', () => {
    void it('put round-trips (namespaces in order), lists by key id, and replaces by key id', () =>
      withStore(async (ctx) => {
        assert.deepEqual(await ctx.store.listApiKeys(), []);
        await ctx.store.putApiKey(apiKey('k2'));
        await ctx.store.putApiKey(apiKey('k1', { role: 'admin', namespaces: ['*'], description: '' }));
        const replaced = apiKey('k2', { role: 'reader', namespaces: ['zeta', 'alpha'], createdTime: T + 5 });
        await ctx.store.putApiKey(replaced);
        const check = async () => {
          const keys = await ctx.store.listApiKeys();
          assert.deepEqual(keys.map((k) => k.keyId), ['k1', 'k2']);
          assert.deepEqual(keys[0], apiKey('k1', { role: 'admin', namespaces: ['*'], description: '' }));
          assert.deepEqual(keys[1], replaced);
        };
        await check();
        if (durable) {
          await ctx.reopen();
          await check();
        }
      }));

    void it('delete says whether the key existed, and a deleted key stays gone', () =>
      withStore(async (ctx) => {
        await ctx.store.putApiKey(apiKey('a'));
        await ctx.store.putApiKey(apiKey('b'));
        assert.equal(await ctx.store.deleteApiKey('a'), true);
        assert.equal(await ctx.store.deleteApiKey('a'), false);
        assert.equal(await ctx.store.deleteApiKey('never'), false);
        assert.deepEqual((await ctx.store.listApiKeys()).map((k) => k.keyId), ['b']);
        if (durable) assert.deepEqual((await (await ctx.reopen()).listApiKeys()).map((k) => k.keyId), ['b']);
      }));

    void it('puts and deletes apply in call order', () =>
      withStore(async ({ store }) => {
        const calls = [store.putApiKey(apiKey('x')), store.deleteApiKey('x'), store.putApiKey(apiKey('x', { role: 'worker' }))];
        const [, existed] = await Promise.all(calls);
        assert.equal(existed, true, 'the delete saw the put before it');
        assert.deepEqual((await store.listApiKeys()).map((k) => [k.keyId, k.role]), [['x', 'worker']]);
      }));
  });
}
