// @endure/envconfig's connectionOptions, passed as they are to Connection.connect and
// NativeConnection.connect, reach real servers: TLS with a private CA and a server name, the API
// key, a client certificate and headers, from the file and from environment variables.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@endure/client';
import { loadClientConnectConfig } from '@endure/envconfig';
import { ApiError } from '@endure/protocol';
import { NativeConnection, Worker } from '@endure/worker';
import { makeActivities } from '../src/activities.js';
import { workflowsPath } from '../src/harness.js';
import { startServerProcess, type ServerProcess } from '../src/server-process.js';
import { makeCert, startMtlsProxy, type CertFiles } from '../src/tls-proxy.js';

const KEY = 'envconfig-key-0123456789abcdef';

let dir: string;
let tlsServer: ServerProcess;
let plainServer: ServerProcess;
let serverCert: CertFiles;
let configFile: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'endure-envconfig-connect-'));
  serverCert = makeCert(dir, 'server', 'endure.test', 'DNS:endure.test');
  tlsServer = await startServerProcess(join(dir, 'tls.db'), { args: ['--tls-cert', serverCert.certFile, '--tls-key', serverCert.keyFile, '--api-key', KEY] });
  plainServer = await startServerProcess(join(dir, 'plain.db'), { args: ['--api-key', KEY] });
  configFile = join(dir, 'endure.toml');
  writeFileSync(
    configFile,
    `[profile.default]
address = "localhost:1"

[profile.secure]
address = "127.0.0.1:${new URL(tlsServer.address).port}"
namespace = "default"
api_key = "${KEY}"
[profile.secure.tls]
server_ca_cert_path = "${serverCert.certFile}"
server_name = "endure.test"
`,
  );
});
after(async () => {
  await tlsServer?.stop();
  await plainServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('loadClientConnectConfig → Connection.connect', () => {
  it('runs a workflow with a worker and a client connected by a profile (TLS, server name, API key)', async () => {
    const config = loadClientConnectConfig({ overrideEnvVars: { ENDURE_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'secure' } });
    const workerConnection = await NativeConnection.connect(config.connectionOptions);
    const connection = await Connection.connect(config.connectionOptions);
    try {
      assert.equal(connection.address, tlsServer.address.replace('http:', 'https:'));
      const worker = await Worker.create({ connection: workerConnection, namespace: config.namespace, taskQueue: 'envconfig', workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, shutdownGraceTime: 500 });
      const client = new Client({ connection, namespace: config.namespace });
      const result = await worker.runUntil(client.workflow.execute('echoWorkflow', { taskQueue: 'envconfig', workflowId: 'envconfig-1', args: ['over TLS'] }));
      assert.equal(result, 'over TLS');
    } finally {
      await connection.close();
      await workerConnection.close();
    }
  });

  it('environment variables over the file reach the connection too (both name sets)', async () => {
    const env = { TEMPORAL_CONFIG_FILE: configFile, ENDURE_PROFILE: 'secure' };
    const wrongKey = await Connection.connect(loadClientConnectConfig({ overrideEnvVars: { ...env, TEMPORAL_API_KEY: 'wrong-key-0123456789' } }).connectionOptions);
    await assert.rejects(wrongKey.engine.describeNamespace({ namespace: 'default' }), (e: unknown) => e instanceof ApiError && e.code === 'UNAUTHENTICATED');
    await wrongKey.close();
    const wrongName = await Connection.connect(loadClientConnectConfig({ overrideEnvVars: { ...env, ENDURE_TLS_SERVER_NAME: 'other.test' } }).connectionOptions);
    await assert.rejects(wrongName.engine.describeNamespace({ namespace: 'default' }), (e: unknown) => e instanceof ApiError && /certificate is for another name/.test(e.message));
    await wrongName.close();
    // A server without TLS: the address and key from the environment, TLS turned off there.
    const plain = loadClientConnectConfig({ disableFile: true, overrideEnvVars: { ENDURE_ADDRESS: `localhost:${new URL(plainServer.address).port}`, ENDURE_API_KEY: KEY, TEMPORAL_TLS: 'false' } });
    assert.equal(plain.connectionOptions.tls, false);
    const connection = await NativeConnection.connect(plain.connectionOptions);
    assert.equal((await connection.engine.describeNamespace({ namespace: 'default' })).namespace, 'default');
    await connection.close();
  });

  it('sends a profile\'s client certificate and grpc_meta headers (through an mTLS proxy)', async () => {
    const proxyCert = makeCert(dir, 'proxy', 'localhost', 'DNS:localhost,IP:127.0.0.1');
    const clientCert = makeCert(dir, 'client', 'envconfig-client');
    const proxy = await startMtlsProxy(plainServer.address, proxyCert, clientCert.cert);
    const toml = `[profile.default]
address = "${proxy.address}"
api_key = "${KEY}"
[profile.default.tls]
server_ca_cert_path = "${proxyCert.certFile}"
client_cert_path = "${clientCert.certFile}"
client_key_path = "${clientCert.keyFile}"
[profile.default.grpc_meta]
x_team = "payments"
`;
    const config = loadClientConnectConfig({ configSource: { data: toml }, overrideEnvVars: { TEMPORAL_GRPC_META_X_REGION: 'eu' } });
    const connection = await Connection.connect(config.connectionOptions);
    try {
      assert.equal((await connection.engine.describeNamespace({ namespace: 'default' })).namespace, 'default');
      const seen = proxy.seen.at(-1)!;
      assert.equal(seen.clientCN, 'envconfig-client');
      assert.equal(seen.headers['x-team'], 'payments');
      assert.equal(seen.headers['x-region'], 'eu');
      assert.equal(seen.headers['authorization'], `Bearer ${KEY}`);
    } finally {
      await connection.close();
      await proxy.close();
    }
  });
});
