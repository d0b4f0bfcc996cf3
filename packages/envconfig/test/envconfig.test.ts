// Loading profiles: the file (found where Endure or Temporal keeps it), profile selection, the
// environment over the file (ENDURE_* over TEMPORAL_*), and what a bad file or value says.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsupportedOptionError } from '@endure/common';
import {
  ClientConfigError,
  clientConfigToToml,
  loadClientConfig,
  loadClientConfigFromToml,
  loadClientConfigProfile,
  loadClientConnectConfig,
  toClientOptions,
} from '../src/index.js';

const BASE = `
[profile.default]
address = "default-host:7233"
namespace = "default-ns"

[profile.prod]
address = "prod.example.com:7233"
namespace = "prod-ns"
api_key = "prod-key"
[profile.prod.tls]
server_name = "prod-server"
[profile.prod.grpc_meta]
Custom_Header = "from-file"
`;

let dir: string;
/** An environment whose config directory is empty unless a test writes there. */
let home: Record<string, string>;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'endure-envconfig-'));
  home = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: dir };
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const data = (text: string) => ({ configSource: { data: text } });

describe('profiles from a file', () => {
  it('loads the default profile, a named one, and all of them, from a path or from data', () => {
    const path = file('base.toml', BASE);
    assert.deepEqual(loadClientConfigProfile({ configSource: { path }, overrideEnvVars: home }), { address: 'default-host:7233', namespace: 'default-ns' });
    assert.deepEqual(loadClientConfigProfile({ ...data(BASE), profile: 'prod', overrideEnvVars: home }), {
      address: 'prod.example.com:7233',
      namespace: 'prod-ns',
      apiKey: 'prod-key',
      tls: { serverName: 'prod-server' },
      grpcMeta: { 'custom-header': 'from-file' },
    });
    assert.deepEqual(Object.keys(loadClientConfig({ configSource: { path } }).profiles), ['default', 'prod']);
    assert.deepEqual(loadClientConfigFromToml(Buffer.from(BASE), { strict: true }).profiles['default'], { address: 'default-host:7233', namespace: 'default-ns' });
  });

  it('finds ~/.config/endure/endure.toml, else Temporal\'s ~/.config/temporalio/temporal.toml; ENDURE_CONFIG_FILE or TEMPORAL_CONFIG_FILE name another', () => {
    const env = { XDG_CONFIG_HOME: join(dir, 'xdg-a') };
    assert.deepEqual(loadClientConfigProfile({ overrideEnvVars: env }), {}, 'no file anywhere: an empty profile');
    file('xdg-a/temporalio/temporal.toml', '[profile.default]\naddress = "temporal-file:7233"\n');
    assert.equal(loadClientConfigProfile({ overrideEnvVars: env }).address, 'temporal-file:7233', "Temporal's file when Endure's is missing");
    file('xdg-a/endure/endure.toml', '[profile.default]\naddress = "endure-file:7233"\n');
    assert.equal(loadClientConfigProfile({ overrideEnvVars: env }).address, 'endure-file:7233', "Endure's own file first");
    const named = file('named.toml', '[profile.default]\naddress = "named:1"\n');
    const other = file('other.toml', '[profile.default]\naddress = "other:1"\n');
    assert.equal(loadClientConfigProfile({ overrideEnvVars: { ...env, TEMPORAL_CONFIG_FILE: named } }).address, 'named:1');
    assert.equal(loadClientConfigProfile({ overrideEnvVars: { ...env, TEMPORAL_CONFIG_FILE: named, ENDURE_CONFIG_FILE: other } }).address, 'other:1', 'ENDURE_ wins');
    assert.equal(loadClientConfig({ overrideEnvVars: { ENDURE_CONFIG_FILE: other } }).profiles['default']?.address, 'other:1');
    assert.equal(loadClientConfigProfile({ configSource: { path: named }, overrideEnvVars: { ...env, ENDURE_CONFIG_FILE: other } }).address, 'named:1', 'configSource first');
  });

  it('picks the profile by option, else ENDURE_PROFILE, else TEMPORAL_PROFILE, else default', () => {
    const text = `${BASE}\n[profile.staging]\naddress = "staging:7233"\n`;
    assert.equal(loadClientConfigProfile({ ...data(text), overrideEnvVars: { TEMPORAL_PROFILE: 'prod' } }).namespace, 'prod-ns');
    assert.equal(loadClientConfigProfile({ ...data(text), overrideEnvVars: { TEMPORAL_PROFILE: 'prod', ENDURE_PROFILE: 'staging' } }).address, 'staging:7233');
    assert.equal(loadClientConfigProfile({ ...data(text), profile: 'default', overrideEnvVars: { ENDURE_PROFILE: 'staging' } }).address, 'default-host:7233');
    assert.deepEqual(loadClientConfigProfile({ ...data('[profile.other]\naddress = "x:1"\n'), overrideEnvVars: {} }), {}, 'no default profile: empty, as in Temporal');
  });
});

describe('environment variables over the file', () => {
  it('override each setting, with Temporal\'s names and Endure\'s; ENDURE_ wins when both are set', () => {
    const temporal = {
      TEMPORAL_ADDRESS: 't-address:7233',
      TEMPORAL_NAMESPACE: 't-ns',
      TEMPORAL_API_KEY: 't-key',
      TEMPORAL_TLS_SERVER_NAME: 't-server',
      TEMPORAL_GRPC_META_CUSTOM_HEADER: 't-value',
      TEMPORAL_GRPC_META_OTHER: 't-other',
    };
    assert.deepEqual(loadClientConfigProfile({ ...data(BASE), profile: 'prod', overrideEnvVars: temporal }), {
      address: 't-address:7233',
      namespace: 't-ns',
      apiKey: 't-key',
      tls: { serverName: 't-server' },
      grpcMeta: { 'custom-header': 't-value', other: 't-other' },
    });
    const endure = { ENDURE_ADDRESS: 'e-address:7233', ENDURE_NAMESPACE: 'e-ns', ENDURE_API_KEY: 'e-key', ENDURE_TLS_SERVER_NAME: 'e-server', ENDURE_GRPC_META_CUSTOM_HEADER: 'e-value' };
    assert.deepEqual(loadClientConfigProfile({ ...data(BASE), profile: 'prod', overrideEnvVars: { ...temporal, ...endure } }), {
      address: 'e-address:7233',
      namespace: 'e-ns',
      apiKey: 'e-key',
      tls: { serverName: 'e-server' },
      grpcMeta: { 'custom-header': 'e-value', other: 't-other' },
    });
  });

  it('an empty header variable removes the file\'s header; TLS=true/false turns TLS on and off', () => {
    const p = loadClientConfigProfile({ ...data(BASE), profile: 'prod', overrideEnvVars: { TEMPORAL_GRPC_META_CUSTOM_HEADER: '' } });
    assert.equal(p.grpcMeta, undefined);
    assert.equal(loadClientConnectConfig({ ...data(BASE), overrideEnvVars: { ENDURE_TLS: 'true' } }).connectionOptions.tls && true, true);
    assert.equal(loadClientConnectConfig({ ...data(BASE), profile: 'prod', overrideEnvVars: { TEMPORAL_TLS: 'false' } }).connectionOptions.tls, false);
    assert.equal(loadClientConnectConfig({ ...data(BASE), profile: 'prod', overrideEnvVars: { TEMPORAL_TLS: 'false', ENDURE_TLS: '1' } }).connectionOptions.tls === false, false, 'ENDURE_TLS wins');
  });

  it('disableEnv reads only the file, disableFile only the environment', () => {
    const env = { ENDURE_ADDRESS: 'env:1', ENDURE_NAMESPACE: 'env-ns' };
    assert.equal(loadClientConfigProfile({ ...data(BASE), overrideEnvVars: env, disableEnv: true }).address, 'default-host:7233');
    assert.deepEqual(loadClientConfigProfile({ configSource: { path: join(dir, 'absent.toml') }, disableFile: true, overrideEnvVars: env }), { address: 'env:1', namespace: 'env-ns' });
    assert.equal(loadClientConfig({ ...data(BASE), overrideEnvVars: env }).profiles['default']?.address, 'default-host:7233', 'loadClientConfig applies no overrides');
  });
});

describe('connection options', () => {
  it('turn a profile into { connectionOptions, namespace }; an API key turns TLS on unless the profile turns it off', () => {
    assert.deepEqual(loadClientConnectConfig({ ...data(BASE), overrideEnvVars: {} }), { connectionOptions: { address: 'default-host:7233' }, namespace: 'default-ns' });
    assert.deepEqual(toClientOptions({ address: 'h:1', apiKey: 'k' }).connectionOptions, { address: 'h:1', apiKey: 'k', tls: true });
    assert.deepEqual(toClientOptions({ address: 'h:1', apiKey: 'k', tls: { disabled: true } }).connectionOptions, { address: 'h:1', apiKey: 'k', tls: false });
    assert.deepEqual(toClientOptions({ address: 'http://h:1', apiKey: 'k' }).connectionOptions, { address: 'http://h:1', apiKey: 'k' }, 'an explicit scheme decides');
    assert.deepEqual(toClientOptions({ tls: {} }).connectionOptions, { tls: {} }, 'an empty TLS table turns TLS on');
    const prod = loadClientConnectConfig({ ...data(BASE), profile: 'prod', overrideEnvVars: {} });
    assert.deepEqual(prod, {
      connectionOptions: { address: 'prod.example.com:7233', apiKey: 'prod-key', tls: { serverNameOverride: 'prod-server' }, metadata: { 'custom-header': 'from-file' } },
      namespace: 'prod-ns',
    });
  });

  it('read certificates and keys from paths or data', () => {
    const ca = file('pem/ca.pem', 'CA PEM');
    const toml = `[profile.default]\naddress = "h:1"\n[profile.default.tls]\nserver_ca_cert_path = "${ca}"\nclient_cert_data = "CERT PEM"\nclient_key_data = "KEY PEM"\n`;
    const tls = loadClientConnectConfig({ ...data(toml), overrideEnvVars: {} }).connectionOptions.tls;
    assert.deepEqual(tls, { serverRootCACertificate: Buffer.from('CA PEM'), clientCertPair: { crt: Buffer.from('CERT PEM'), key: Buffer.from('KEY PEM') } });
    const viaEnv = loadClientConnectConfig({ disableFile: true, overrideEnvVars: { TEMPORAL_TLS_CLIENT_CERT_DATA: 'C', ENDURE_TLS_CLIENT_KEY_DATA: 'K', ENDURE_TLS_SERVER_CA_CERT_PATH: ca } });
    assert.deepEqual(viaEnv.connectionOptions.tls, { serverRootCACertificate: Buffer.from('CA PEM'), clientCertPair: { crt: Buffer.from('C'), key: Buffer.from('K') } });
  });

  it('round-trip through TOML', () => {
    const config = { profiles: { a: { address: 'a:1', apiKey: 'k', tls: { serverName: 's', clientCert: { path: '/c.pem' }, clientKey: { data: 'KEY' } }, grpcMeta: { 'x-team': 'blue' } } } };
    assert.deepEqual(loadClientConfigFromToml(clientConfigToToml(config), { strict: true }), config);
  });
});

describe('bad files and values are refused, naming the file, the profile and the key', () => {
  const load = (toml: string, extra: object = {}) => () => loadClientConnectConfig({ configSource: { path: file('bad.toml', toml) }, overrideEnvVars: {}, ...extra });

  it('wrong types, broken TOML, unknown keys in strict mode', () => {
    assert.throws(load('[profile.default]\naddress = 7233\n'), (e: unknown) => e instanceof ClientConfigError && /bad\.toml: profile 'default': key 'address': must be a string, got number 7233$/.test(e.message) && e.key === 'address');
    assert.throws(load('[profile.default.tls]\ndisabled = "yes"\n'), /bad\.toml: profile 'default': key 'tls\.disabled': must be true or false, got string "yes"/);
    assert.throws(load('[profile.default]\ngrpc_meta = "x"\n'), /key 'grpc_meta': must be a table of header names to strings/);
    assert.throws(load('profile = 3\n'), /bad\.toml: key 'profile': must hold tables such as \[profile\.default\]/);
    assert.throws(load('[profile.default\naddress = "x"\n'), /bad\.toml: is not valid TOML: /);
    assert.throws(load('[profile.default]\nadress = "x"\n', { configFileStrict: true }), /bad\.toml: profile 'default': key 'adress': is not a setting of the configuration file \(strict mode\); the settings are: address, namespace/);
    assert.throws(load('[other]\nx = 1\n', { configFileStrict: true }), /key 'other': is not a setting/);
    assert.doesNotThrow(load('[profile.default]\nadress = "x"\n'), 'without strict mode unknown keys are skipped, as in Temporal');
  });

  it('a missing profile, file or certificate; conflicting sources; settings Endure does not implement', () => {
    assert.throws(load(BASE, { profile: 'nope' }), /bad\.toml: profile 'nope': not found \(asked for by the profile option\); the profiles there: default, prod/);
    assert.throws(() => loadClientConfigProfile({ ...data(BASE), overrideEnvVars: { TEMPORAL_PROFILE: 'nope' } }), /profile 'nope': not found \(asked for by TEMPORAL_PROFILE\)/);
    assert.throws(() => loadClientConfigProfile({ overrideEnvVars: { ENDURE_CONFIG_FILE: join(dir, 'missing.toml') } }), /environment variable ENDURE_CONFIG_FILE: no file at '.*missing\.toml'/);
    assert.throws(() => loadClientConfigProfile({ configSource: { path: join(dir, 'missing.toml') } }), /key 'configSource': no file at/);
    assert.throws(load('[profile.default.tls]\nserver_ca_cert_path = "/nonexistent/ca.pem"\n'), /bad\.toml: profile 'default': key 'tls\.server_ca_cert_path': no file at '\/nonexistent\/ca\.pem'/);
    assert.throws(load('[profile.default.tls]\nclient_cert_data = "C"\n'), /key 'tls\.client_cert_data': a client certificate needs its key/);
    assert.throws(load('[profile.default.tls]\nclient_cert_path = "/c.pem"\n', { overrideEnvVars: { TEMPORAL_TLS_CLIENT_CERT_DATA: 'C' } }), /environment variable TEMPORAL_TLS_CLIENT_CERT_DATA: client_cert_data and client_cert_path \(.*bad\.toml: profile 'default': key 'tls\.client_cert_path'\) are both given/);
    assert.throws(load('[profile.default.codec]\nendpoint = "http://codec"\n'), /bad\.toml: profile 'default': key 'codec': sets a remote codec, which Endure does not implement/);
    assert.throws(load('[profile.default.tls]\ndisable_host_verification = true\n'), /key 'tls\.disable_host_verification': is not supported/);
    assert.throws(() => loadClientConnectConfig({ disableFile: true, overrideEnvVars: { TEMPORAL_TLS: 'yes' } }), /environment variable TEMPORAL_TLS: must be true, false, 1 or 0, got 'yes'/);
    assert.throws(() => loadClientConnectConfig({ disableFile: true, overrideEnvVars: { ENDURE_CODEC_ENDPOINT: 'http://c' } }), /environment variable ENDURE_CODEC_ENDPOINT: sets a remote codec/);
    assert.throws(load('[profile.default]\naddress = "http://h:1"\n[profile.default.tls]\nserver_name = "s"\n'), /bad\.toml: profile 'default': key 'tls': turns TLS on, but the address 'http:\/\/h:1' is plain http:\/\//);
    assert.throws(load('[profile.default.grpc_meta]\n"bad header" = "v"\n'), /key 'grpc_meta\.bad header': cannot be sent as an HTTP header/);
  });

  it('options: unknown names, both sources disabled, bad values', () => {
    assert.throws(() => loadClientConnectConfig({ profil: 'x' } as never), (e: unknown) => e instanceof UnsupportedOptionError && /'profil' is not an option of LoadClientProfileOptions/.test(e.message));
    assert.throws(() => loadClientConfigProfile({ disableFile: true, disableEnv: true }), /disableFile and disableEnv are both set/);
    assert.throws(() => loadClientConfigProfile({ disableFile: true, profile: 'prod', overrideEnvVars: {} }), /profile 'prod' names a profile of the config file, but disableFile is set/);
    assert.throws(() => loadClientConfig({ configFileStrict: 'yes' as never }), /configFileStrict must be true or false/);
    assert.throws(() => loadClientConfigProfile({ overrideEnvVars: { A: 1 } as never }), /overrideEnvVars must be an object of variable names to strings/);
  });
});
