// `endure operator api-key create | list | revoke` against a real server process that requires
// keys: the key is printed once, listed without its secret, works in its namespace only, and
// stops working when revoked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { endure, json, startDevServer, tempDir, type DevServer } from './fixtures/cli-harness.js';

const ADMIN = 'cli-admin-key-0123456789abcdef';

describe('endure operator api-key', () => {
  const tmp = tempDir();
  let server: DevServer;
  const as = (key: string, ...args: string[]) => endure(['--address', server.url, '--api-key', key, ...args]);

  before(async () => {
    server = await startDevServer(['--db', join(tmp.dir, 'endure.db'), '--api-key', ADMIN]);
  });
  after(async () => {
    assert.equal(await server?.stop(), 0, server?.stderr());
    tmp.remove();
  });

  it('create prints the key once; list shows id, role, namespaces and time, never the secret; revoke ends it', async () => {
    assert.equal((await as(ADMIN, 'namespace', 'create', 'orders')).code, 0);
    assert.equal((await as(ADMIN, 'namespace', 'create', 'billing')).code, 0);

    const created = await as(ADMIN, '--namespace', 'orders', 'operator', 'api-key', 'create', '--role', 'writer', '--description', 'order service');
    assert.equal(created.code, 0, created.stderr);
    const [, keyId, key] = /^API key ([0-9a-f]{12}) created: role writer in orders\.\nKey \(shown this once; only its hash is stored\): (endure_\1_[\w-]{43})\n$/.exec(created.stdout) ?? [];
    assert.ok(keyId && key, created.stdout);
    const several = json<{ keyId: string; namespaces: string[]; role: string; key: string }>(await as(ADMIN, 'operator', 'api-key', 'create', '--role', 'reader', '--namespaces', 'orders,billing', '-o', 'json'));
    assert.deepEqual([several.role, several.namespaces], ['reader', ['orders', 'billing']]);
    const everywhere = json<{ namespaces: string[] }>(await as(ADMIN, 'operator', 'api-key', 'create', '--role', 'admin', '--all-namespaces', '-o', 'json'));
    assert.deepEqual(everywhere.namespaces, ['*']);

    const listed = await as(ADMIN, 'operator', 'api-key', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+ROLE\s+NAMESPACES\s+CREATED TIME\s+DESCRIPTION$/m);
    assert.match(listed.stdout, new RegExp(`^${keyId}\\s+writer\\s+orders\\s+\\d{4}-\\S+\\s+order service$`, 'm'));
    assert.match(listed.stdout, /\sreader\s+orders,billing\s/);
    assert.ok(!listed.stdout.includes(key!.slice(20)), 'no secret in the listing');
    const doc = json<{ keys: Record<string, unknown>[] }>(await as(ADMIN, 'operator', 'api-key', 'list', '-o', 'json'));
    assert.equal(doc.keys.length, 3);
    assert.ok(!JSON.stringify(doc).includes(key!.slice(20)));

    // The writer key works in its namespace and nowhere else.
    const start = await as(key!, '-n', 'orders', 'workflow', 'start', '--type', 'order', '-t', 'nobody', '-w', 'o-1');
    assert.equal(start.code, 0, start.stderr);
    const elsewhere = await as(key!, '-n', 'billing', 'workflow', 'start', '--type', 'invoice', '-t', 'nobody', '-w', 'b-1');
    assert.equal(elsewhere.code, 1);
    assert.equal(elsewhere.stderr, `error: API key '${keyId}' (role writer) may not act in namespace 'billing': it is scoped to namespace orders; use a key for 'billing'\n`);
    const notAdmin = await as(key!, 'operator', 'api-key', 'list');
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /may not call listApiKeys: that needs role admin/);

    const revoked = await as(ADMIN, 'operator', 'api-key', 'revoke', keyId!);
    assert.deepEqual([revoked.code, revoked.stdout], [0, `API key ${keyId} revoked.\n`]);
    const after = await as(key!, '-n', 'orders', 'workflow', 'describe', '-w', 'o-1');
    assert.equal(after.code, 3, 'refused like any wrong key');
    assert.match(after.stderr, /not valid for this server \(wrong, or revoked\)/);
    const unknown = await as(ADMIN, 'operator', 'api-key', 'revoke', keyId!);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no API key '[0-9a-f]{12}': `endure operator api-key list` shows the ids/);
  });

  it('refuses a bad role or conflicting namespace flags as usage errors, naming the fix', async () => {
    const badRole = await as(ADMIN, 'operator', 'api-key', 'create', '--role', 'owner');
    assert.equal(badRole.code, 2);
    assert.match(badRole.stderr, /--role must be one of reader, writer, worker, admin; got 'owner'/);
    const both = await as(ADMIN, 'operator', 'api-key', 'create', '--role', 'reader', '--all-namespaces', '--namespaces', 'orders');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give --all-namespaces or --namespaces, not both/);
  });
});
