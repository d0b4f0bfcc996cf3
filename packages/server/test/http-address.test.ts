// Connection addresses for server mode, and what a client sees when no server answers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Connection } from '@endure/client';
import { ApiError } from '@endure/protocol';
import { parseAddress } from '@endure/transport';

describe('server addresses', () => {
  it('reads http:// and https:// addresses, keeping sqlite: as it was', () => {
    assert.deepEqual(parseAddress('http://127.0.0.1:8233'), { kind: 'http', baseUrl: 'http://127.0.0.1:8233', secure: false });
    assert.deepEqual(parseAddress('https://endure.example.com:8233/'), { kind: 'http', baseUrl: 'https://endure.example.com:8233', secure: true });
    assert.deepEqual(parseAddress('http://[::1]:8233/endure/'), { kind: 'http', baseUrl: 'http://[::1]:8233/endure', secure: false });
    assert.deepEqual(parseAddress('sqlite:./endure.db'), { kind: 'sqlite', path: './endure.db' });
  });

  it('says what is wrong with a bad address, mentioning http://', () => {
    assert.throws(() => parseAddress('localhost:8233'), /did you mean 'http:\/\/localhost:8233'\?/);
    assert.throws(() => parseAddress('grpc://host:7233'), /scheme 'grpc:' is not supported; use 'http:\/\/127\.0\.0\.1:8233' for an endure server/);
    assert.throws(() => parseAddress('just-a-name'), /has no scheme; use 'http:\/\/127\.0\.0\.1:8233'/);
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
