// Connection addresses for server mode, and what a client sees when no server answers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Connection } from '@endure/client';
import { ApiError } from '@endure/protocol';
import { parseAddress } from '@endure/transport';

describe('server addresses', () => {
  it('reads http:// and https:// addresses, keeping sqlite: as it was', () => {
    assert.deepEqual(parseAddress('http://127.0.0.1:8233'), { kind: 'http', baseUrl: 'http://127.0.0.1:8233', baseUrls: ['http://127.0.0.1:8233'], secure: false, bare: false });
    assert.deepEqual(parseAddress('https://endure.example.com:8233/'), { kind: 'http', baseUrl: 'https://endure.example.com:8233', baseUrls: ['https://endure.example.com:8233'], secure: true, bare: false });
    assert.deepEqual(parseAddress('http://[::1]:8233/endure/'), { kind: 'http', baseUrl: 'http://[::1]:8233/endure', baseUrls: ['http://[::1]:8233/endure'], secure: false, bare: false });
    assert.deepEqual(parseAddress('sqlite:./endure.db'), { kind: 'sqlite', path: './endure.db' });
  });

  it("reads Temporal's host:port without a scheme as a server, port 7233 if left out, https when asked", () => {
    const http = (baseUrl: string) => ({ kind: 'http', baseUrl, baseUrls: [baseUrl], secure: false, bare: true });
    assert.deepEqual(parseAddress('localhost:7233'), http('http://localhost:7233'));
    assert.deepEqual(parseAddress('my-host.example.com:8080'), http('http://my-host.example.com:8080'));
    assert.deepEqual(parseAddress('10.1.2.3:9'), http('http://10.1.2.3:9'));
    assert.deepEqual(parseAddress('[::1]:7233'), http('http://[::1]:7233'));
    assert.deepEqual(parseAddress('endure_server'), http('http://endure_server:7233'), 'a host alone gets the dev server port, as in Temporal');
    assert.deepEqual(parseAddress('[::1]'), http('http://[::1]:7233'));
    assert.deepEqual(parseAddress('ns.acct.tmprl.cloud:7233', 'https'), { kind: 'http', baseUrl: 'https://ns.acct.tmprl.cloud:7233', baseUrls: ['https://ns.acct.tmprl.cloud:7233'], secure: true, bare: true });
    assert.deepEqual(parseAddress('https://h:1', 'http'), { kind: 'http', baseUrl: 'https://h:1', baseUrls: ['https://h:1'], secure: true, bare: false }, 'an explicit scheme is kept');
  });

  it('says what is wrong with a bad address, naming both kinds of address', () => {
    assert.throws(() => parseAddress('localhost:99999'), /has port 99999; a port is a number from 1 to 65535/);
    assert.throws(() => parseAddress('grpc://host:7233'), /scheme 'grpc:' is not supported: an endure server speaks HTTP\/JSON; write just the host and port, e\.g\. 'host:7233'/);
    assert.throws(() => parseAddress('gopher://x'), /scheme 'gopher:' is not supported; use 'localhost:7233' or 'https:\/\/host:7233' for an endure server, or 'sqlite:\.\/endure\.db'/);
    assert.throws(() => parseAddress('./data/endure.db'), /is neither a host and port nor a URL; use 'localhost:7233'/);
    assert.throws(() => parseAddress('endure.db'), /looks like a database file; for the embedded engine write 'sqlite:endure\.db'/);
    assert.throws(() => parseAddress('host:7233/path'), /neither a host and port nor a URL/);
    assert.throws(() => parseAddress(''), /non-empty string/);
    assert.throws(() => parseAddress('http://user:secret@host:1'), /contains credentials; pass the API key as the apiKey option/);
    assert.throws(() => parseAddress('http://host:1/?x=1'), /has a query or fragment/);
    assert.throws(() => parseAddress('http://'), /not a valid URL/);
  });

  it('reports an unreachable server as UNAVAILABLE, naming the address and what to check', async () => {
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const connection = await Connection.connect({ address: `http://127.0.0.1:${free}` });
    try {
      await assert.rejects(connection.engine.describeWorkflow({ namespace: 'default', workflowId: 'x' }), (e: unknown) => {
        return e instanceof ApiError && e.code === 'UNAVAILABLE' && e.message.startsWith(`cannot reach Endure server at http://127.0.0.1:${free}: connect ECONNREFUSED`) && e.message.endsWith('is `endure server` running?');
      });
    } finally {
      await connection.close();
    }
  });
});
