// Temporal's connection options against real server processes: TLS (a private CA, the server
// name, a client certificate through an mTLS proxy), headers from metadata, API keys and the TLS
// they imply, and the options Endure refuses by name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, CONNECTION_OPTIONS_TABLE } from '@endure/client';
import { UnsupportedOptionError } from '@endure/common';
import { ApiError } from '@endure/protocol';
import { NativeConnection, NATIVE_CONNECTION_OPTIONS_TABLE } from '@endure/worker';
import { startServerProcess, type ServerProcess } from '../src/server-process.js';
import { makeCert, startMtlsProxy, type CertFiles } from '../src/tls-proxy.js';

const KEY = 'connect-options-key-0123456789';
const describeDefault = { namespace: 'default' };

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'endure-connect-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const portOf = (server: ServerProcess) => new URL(server.address).port;

describe('options Endure does not implement', () => {
  it('are refused by name, at run time and (typed never) at compile time', async () => {
    for (const [connect, table, type] of [
      [(o: object) => Connection.connect(o as never), CONNECTION_OPTIONS_TABLE, 'ConnectionOptions'],
      [(o: object) => NativeConnection.connect(o as never), NATIVE_CONNECTION_OPTIONS_TABLE, 'NativeConnectionOptions'],
    ] as const) {
      const refused = Object.entries(table).filter(([, d]) => 'refused' in d);
      assert.ok(refused.length >= 6, `${type} refuses Temporal's gRPC-only options`);
      for (const [name] of refused) {
        await assert.rejects(connect({ address: 'localhost:1', [name]: {} }), (e: unknown) => e instanceof UnsupportedOptionError && e.option === name && e.message.includes(`option '${name}' is not supported by Endure`));
      }
      await assert.rejects(connect({ adress: 'localhost:1' }), new RegExp(`'adress' is not an option of ${type}; the options are: address, apiKey`));
    }
    await assert.rejects(Connection.connect({ address: 'localhost:1', tls: { serverRootCA: Buffer.from('x') } as never }), /'serverRootCA' is not an option of TLSConfig/);
    // @ts-expect-error connectTimeout is typed never: Endure connects lazily
    await assert.rejects(Connection.connect({ connectTimeout: '5s' }), /connectTimeout/);
    // @ts-expect-error grpcCompression is typed never
    await assert.rejects(NativeConnection.connect({ grpcCompression: { codec: 'none' } }), /grpcCompression/);
  });

  it('refuses options that mean nothing for the address, rather than ignoring them', async () => {
    const db = `sqlite:${join(dir, 'x.db')}`;
    await assert.rejects(Connection.connect({ address: db, apiKey: KEY }), /apiKey apply to an endure server; 'sqlite:.*' opens the engine inside this process/);
    await assert.rejects(NativeConnection.connect({ address: db, tls: true, metadata: {} }), /tls, metadata apply to an endure server/);
    await assert.rejects(Connection.connect({ address: 'localhost:1', embedded: { maxPayloadBytes: 10 } }), /embedded settings apply to 'sqlite:' and 'postgres:\/\/' addresses/);
    await assert.rejects(Connection.connect({ address: 'http://h:1', tls: true }), /tls is set but 'http:\/\/h:1' is a plain http:\/\/ address/);
    await assert.rejects(Connection.connect({ address: 'https://h:1', tls: false }), /tls: false contradicts the https:\/\/ address/);
    await assert.rejects(Connection.connect({ address: 'h:1', metadata: { 'x-bin': Buffer.from('x') as never } }), /metadata 'x-bin' must be a string; binary \(Buffer\) metadata/);
    await assert.rejects(Connection.connect({ address: 'h:1', metadata: { 'Content-Type': 'text/plain' } }), /metadata 'Content-Type' is a header the transport sets itself/);
    await assert.rejects(Connection.connect({ address: 'h:1', apiKey: KEY, metadata: { Authorization: 'Bearer x' } }), /both apiKey and an 'authorization' metadata header/);
    await assert.rejects(Connection.connect({ address: 'h:1', metadata: { 'bad name': 'v' } }), /metadata 'bad name' cannot be sent as an HTTP header/);
    await assert.rejects(Connection.connect({ address: 'h:1', tls: { clientCertPair: { crt: Buffer.from('c') } as never } }), /tls\.clientCertPair needs both crt and key/);
    await assert.rejects(Connection.connect({ address: 'localhost:99999' }), /Connection\.connect: address 'localhost:99999' has port 99999/);
  });
});

describe('TLS to a server with a certificate from a private CA', () => {
  let server: ServerProcess;
  let cert: CertFiles;
  before(async () => {
    // The certificate names endure.test only: reaching it by IP needs serverNameOverride.
    cert = makeCert(dir, 'server', 'endure.test', 'DNS:endure.test');
    server = await startServerProcess(join(dir, 'tls.db'), { args: ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile] });
  });
  after(() => server.stop());

  it('connects with tls: { serverRootCACertificate, serverNameOverride } to host:port or https://', async () => {
    for (const address of [`127.0.0.1:${portOf(server)}`, `https://127.0.0.1:${portOf(server)}`]) {
      const connection = await Connection.connect({ address, tls: { serverRootCACertificate: cert.cert, serverNameOverride: 'endure.test' } });
      try {
        assert.equal(connection.address, `https://127.0.0.1:${portOf(server)}`);
        assert.equal((await connection.engine.describeNamespace(describeDefault)).namespace, 'default');
      } finally {
        await connection.close();
      }
    }
  });

  it('says which TLS option is missing when the handshake fails', async () => {
    const address = `127.0.0.1:${portOf(server)}`;
    const noName = await NativeConnection.connect({ address, tls: { serverRootCACertificate: cert.cert } });
    await assert.rejects(noName.engine.describeNamespace(describeDefault), (e: unknown) => e instanceof ApiError && /certificate is for another name: .*tls: \{ serverNameOverride \}/.test(e.message));
    await noName.close();
    const noCa = await NativeConnection.connect({ address, tls: true });
    await assert.rejects(noCa.engine.describeNamespace(describeDefault), (e: unknown) => e instanceof ApiError && /pass tls: \{ serverRootCACertificate \}/.test(e.message));
    await noCa.close();
  });
});

describe('a client certificate, headers and API key through an mTLS proxy', () => {
  let server: ServerProcess;
  let proxyCert: CertFiles;
  let clientCert: CertFiles;
  let proxy: Awaited<ReturnType<typeof startMtlsProxy>>;
  before(async () => {
    server = await startServerProcess(join(dir, 'mtls.db'), { args: ['--api-key', KEY] });
    proxyCert = makeCert(dir, 'proxy', 'localhost', 'DNS:localhost,IP:127.0.0.1');
    clientCert = makeCert(dir, 'client', 'endure-client');
    proxy = await startMtlsProxy(server.address, proxyCert, clientCert.cert);
  });
  after(async () => {
    await proxy.close();
    await server.stop();
  });

  it('presents clientCertPair, sends metadata as headers and calls an apiKey function for each request', async () => {
    let keyCalls = 0;
    const connection = await Connection.connect({
      address: proxy.address,
      tls: { serverRootCACertificate: proxyCert.cert, clientCertPair: { crt: clientCert.cert, key: clientCert.key } },
      metadata: { 'X-Team': 'payments' },
      apiKey: () => {
        keyCalls++;
        return KEY;
      },
    });
    try {
      const client = new Client({ connection });
      const handle = await client.workflow.start('anything', { taskQueue: 'nobody', workflowId: 'mtls-1' });
      assert.equal((await handle.describe()).status.name, 'RUNNING', 'the server took the key');
      const seen = proxy.seen.filter((r) => r.path.startsWith('/v1/'));
      assert.ok(seen.length >= 2);
      for (const r of seen) {
        assert.equal(r.clientCN, 'endure-client');
        assert.equal(r.headers['x-team'], 'payments');
        assert.equal(r.headers['authorization'], `Bearer ${KEY}`);
      }
      assert.equal(keyCalls, seen.length);
    } finally {
      await connection.close();
    }
    const anonymous = await Connection.connect({ address: proxy.address, tls: { serverRootCACertificate: proxyCert.cert }, apiKey: KEY });
    await assert.rejects(anonymous.engine.describeNamespace(describeDefault), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE', 'no client certificate, no connection');
    await anonymous.close();
  });
});

describe('an API key with an address without a scheme', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess(join(dir, 'key.db'), { args: ['--api-key', KEY] });
  });
  after(() => server.stop());

  it("turns TLS on (Temporal's rule), says so when the server has none, and tls: false turns it off", async () => {
    const address = `127.0.0.1:${portOf(server)}`;
    const implied = await Connection.connect({ address, apiKey: KEY });
    assert.equal(implied.address, `https://${address}`);
    await assert.rejects(implied.engine.describeNamespace(describeDefault), (e: unknown) => e instanceof ApiError && /TLS is on because an API key is set, as in Temporal; .*pass tls: false/.test(e.message));
    await implied.close();
    const plain = await NativeConnection.connect({ address, apiKey: KEY, tls: false });
    assert.equal((await plain.engine.describeNamespace(describeDefault)).namespace, 'default');
    await plain.close();
    const wrongKey = await Connection.connect({ address, apiKey: 'another-key-0123456789', tls: false });
    await assert.rejects(wrongKey.engine.describeNamespace(describeDefault), (e: unknown) => e instanceof ApiError && e.code === 'UNAUTHENTICATED', 'the key is sent');
    await wrongKey.close();
  });
});
