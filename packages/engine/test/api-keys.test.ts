// API keys in the engine: kept through the storage port (only a hash of the secret on disk),
// recognised after a restart, refused once revoked. The server's use of them is tested in
// packages/server/test/http-authorization.test.ts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '@endure/protocol';
import { openEngine, tempDir } from './support.js';

const dir = tempDir();

describe('API keys', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores only a hash of the secret, recognises the key after a restart, and forgets it once revoked', async () => {
    const file = join(dir, 'keys.db');
    let open = await openEngine(file);
    const created = await open.engine.createApiKey({ namespaces: ['default'], role: 'worker', description: 'billing workers' });
    const secret = created.key.slice('endure_'.length + 13);
    assert.deepEqual(open.engine.authenticateApiKey(created.key), { keyId: created.keyId, role: 'worker', namespaces: ['default'], description: 'billing workers', createdTime: created.createdTime });
    await open.close();

    const bytes = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
    assert.ok(!bytes.includes(secret), 'the secret is not in the database');
    assert.ok(bytes.includes(createHash('sha256').update(secret).digest('base64url')), 'its SHA-256 is');

    open = await openEngine(file);
    try {
      const e = open.engine;
      assert.equal(e.authenticateApiKey(created.key)?.keyId, created.keyId, 'known after a restart');
      assert.equal(e.authenticateApiKey(`${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`), undefined, 'one character off');
      assert.equal(e.authenticateApiKey(`endure_000000000000_${secret}`), undefined, "the secret under another key's id");
      assert.equal(e.authenticateApiKey('not-a-key'), undefined);
      assert.deepEqual((await e.listApiKeys({})).keys.map((k) => k.keyId), [created.keyId]);
      await e.revokeApiKey({ keyId: created.keyId });
      assert.equal(e.authenticateApiKey(created.key), undefined);
      await assert.rejects(e.revokeApiKey({ keyId: created.keyId }), (err: unknown) => err instanceof ApiError && err.code === 'NOT_FOUND');
      await assert.rejects(e.createApiKey({ namespaces: ['*', 'default'], role: 'reader' }), /namespaces: '\*' already means every namespace/);
      await assert.rejects(open.api.createApiKey({ namespaces: ['default'], role: 'owner' } as never), /invalid createApiKey request: role: /);
    } finally {
      await open.close();
    }
    open = await openEngine(file);
    try {
      assert.equal(open.engine.authenticateApiKey(created.key), undefined, 'revoked for good');
      assert.deepEqual((await open.engine.listApiKeys({})).keys, []);
    } finally {
      await open.close();
    }
  });
});
