// @endure/envconfig: Temporal's @temporalio/envconfig for Endure. Connection settings come from a
// TOML file of profiles and from ENDURE_* (or Temporal's TEMPORAL_*) environment variables:
//   const { connectionOptions, namespace } = loadClientConnectConfig();
//   const connection = await Connection.connect(connectionOptions);
//   const client = new Client({ connection, namespace });
export {
  loadClientConfig,
  loadClientConfigProfile,
  loadClientConnectConfig,
  loadClientConfigFromToml,
  clientConfigToToml,
  LOAD_CLIENT_PROFILE_OPTIONS_TABLE,
  LOAD_CLIENT_CONFIG_OPTIONS_TABLE,
  CLIENT_CONFIG_FROM_TOML_OPTIONS_TABLE,
} from './envconfig.js';
export { toClientOptions, loadConfigData } from './connect-config.js';
export { defaultConfigFiles } from './config-file.js';
export { ClientConfigError } from './errors.js';
export type {
  ClientConfig,
  ClientConfigProfile,
  ClientConfigTLS,
  ClientConnectConfig,
  ConfigConnectionOptions,
  ConfigDataSource,
  ConfigTLS,
  ClientConfigFromTomlOptions,
  LoadClientConfigOptions,
  LoadClientProfileOptions,
} from './types.js';
