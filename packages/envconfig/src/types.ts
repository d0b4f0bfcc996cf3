// The public shapes, with Temporal's @temporalio/envconfig names and meanings.

/** Where configuration comes from: a file by path, or the text (or bytes) of one. */
export type ConfigDataSource = { path: string } | { data: string | Buffer };

/** A profile's TLS settings (`[profile.<name>.tls]`). */
export interface ClientConfigTLS {
  /** `true` turns TLS off, even with an API key. */
  disabled?: boolean;
  /** The name sent as SNI and checked against the server's certificate. */
  serverName?: string;
  clientCert?: ConfigDataSource;
  clientKey?: ConfigDataSource;
  serverCACert?: ConfigDataSource;
}

/** One profile of a configuration file, with environment variables applied where asked. */
export interface ClientConfigProfile {
  address?: string;
  namespace?: string;
  apiKey?: string;
  tls?: ClientConfigTLS;
  /** Temporal's gRPC metadata; Endure sends these as HTTP headers (names lower-cased, `_` as `-`). */
  grpcMeta?: Record<string, string>;
}

/** A whole configuration file: its profiles by name. */
export interface ClientConfig {
  profiles: Record<string, ClientConfigProfile>;
}

/** Temporal's TLSConfig, as `Connection.connect` and `NativeConnection.connect` take it. */
export interface ConfigTLS {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/** Options both `Connection.connect` and `NativeConnection.connect` accept as they are. */
export interface ConfigConnectionOptions {
  address?: string;
  apiKey?: string;
  tls?: ConfigTLS | boolean;
  metadata?: Record<string, string>;
}

/** What `loadClientConnectConfig` returns: `Connection.connect(connectionOptions)`, then `new Client({ connection, namespace })`. */
export interface ClientConnectConfig {
  connectionOptions: ConfigConnectionOptions;
  namespace?: string;
}

export interface LoadClientProfileOptions {
  /** The profile to load. Default: ENDURE_PROFILE, TEMPORAL_PROFILE, else `default`. */
  profile?: string;
  /** Read this instead of the config file the environment or the default location names. */
  configSource?: ConfigDataSource;
  /** Read no file (only when `configSource` is not given). */
  disableFile?: boolean;
  /** Apply no environment variables over the file's profile. */
  disableEnv?: boolean;
  /** Refuse keys the file format does not have (by default they are skipped, for files shared with newer tools). */
  configFileStrict?: boolean;
  /** The environment to read instead of `process.env` (also for locating the default file). */
  overrideEnvVars?: Record<string, string>;
}

export interface LoadClientConfigOptions {
  configSource?: ConfigDataSource;
  configFileStrict?: boolean;
  /** The environment to read instead of `process.env`, to locate the config file. */
  overrideEnvVars?: Record<string, string>;
}

export interface ClientConfigFromTomlOptions {
  /** Refuse keys the file format does not have. */
  strict: boolean;
}
