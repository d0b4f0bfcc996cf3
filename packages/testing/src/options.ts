// The options of TestWorkflowEnvironment's constructors and of MockActivityEnvironment, by
// Temporal's names, each decided: honoured (with the test that shows it) or refused with what to
// do instead. Endure's environments run the engine in this process, so the options of Temporal's
// external test servers (executables, ports, UI) have nothing to act on.
import { optionTable } from '@endure/common';
import type { ClientOptions } from '@endure/client';

/** Client options the environment passes through (it supplies the connection and namespace). */
export type ClientOptionsForTestEnv = Omit<ClientOptions, 'namespace' | 'connection'>;

/** Temporal's `SearchAttributeKey`: a custom search attribute to register, by Temporal's type names. */
export interface SearchAttributeKey {
  name: string;
  type: 'TEXT' | 'KEYWORD' | 'INT' | 'DOUBLE' | 'BOOL' | 'DATETIME' | 'KEYWORD_LIST';
}

/** The embedded engine of createLocal (Temporal's dev server options). */
export interface DevServerConfig {
  /** A namespace to create and use instead of `default`. */
  namespace?: string;
  /** Keep the database in this file (created if missing, kept by teardown) instead of a temporary one. */
  dbFilename?: string;
  /** Custom search attributes to register at start. */
  searchAttributes?: SearchAttributeKey[];
  /** @deprecated Not supported by Endure: the engine runs in this process; refused when set. */
  executable?: never;
  /** @deprecated Not supported by Endure: the engine runs in this process and listens on no port; refused when set. */
  ip?: never;
  /** @deprecated Not supported by Endure: the engine runs in this process and listens on no port; refused when set. */
  port?: never;
  /** @deprecated Not supported by Endure: there is no UI; refused when set. */
  ui?: never;
  /** @deprecated Not supported by Endure: there is no UI; refused when set. */
  uiPort?: never;
  /** @deprecated Not supported by Endure: workers log through Runtime.install({ logger }); refused when set. */
  log?: never;
  /** @deprecated Not supported by Endure: there is no server command line; refused when set. */
  extraArgs?: never;
}

/** The embedded engine of createTimeSkipping (Temporal's test server options). */
export interface TimeSkippingServerConfig {
  /** @deprecated Not supported by Endure: the engine runs in this process; refused when set. */
  executable?: never;
  /** @deprecated Not supported by Endure: the engine runs in this process and listens on no port; refused when set. */
  port?: never;
  /** @deprecated Not supported by Endure: there is no server command line; refused when set. */
  extraArgs?: never;
}

export interface LocalTestWorkflowEnvironmentOptions {
  server?: DevServerConfig;
  client?: ClientOptionsForTestEnv;
  /** @deprecated Not supported by Endure: there are no plugins; refused when set. */
  plugins?: never;
}

export interface TimeSkippingTestWorkflowEnvironmentOptions {
  server?: TimeSkippingServerConfig;
  client?: ClientOptionsForTestEnv;
  /** @deprecated Not supported by Endure: there are no plugins; refused when set. */
  plugins?: never;
}

export interface ExistingServerTestWorkflowEnvironmentOptions {
  /** An `endure server` (`http://host:port`) or a `sqlite:` file. Default `localhost:7233`, where `endure server start-dev` listens. */
  address?: string;
  /** Default `default`. */
  namespace?: string;
  client?: ClientOptionsForTestEnv;
  /** @deprecated Not supported by Endure: there are no plugins; refused when set. */
  plugins?: never;
}

const ENV_TEST = 'packages/testing/test/environment-options.test.ts';
const NO_PLUGINS = 'client, connection and worker plugins are not implemented';
const IN_PROCESS = 'the test environment runs the engine inside this process: there is no server to download, run or reach';

export const localEnvOptionTable = optionTable<LocalTestWorkflowEnvironmentOptions>('LocalTestWorkflowEnvironmentOptions', 'TestWorkflowEnvironment.createLocal', {
  server: { honoured: ENV_TEST },
  client: { honoured: ENV_TEST },
  plugins: { refused: NO_PLUGINS },
});

export const devServerOptionTable = optionTable<DevServerConfig>('DevServerConfig', 'TestWorkflowEnvironment.createLocal', {
  namespace: { honoured: ENV_TEST },
  dbFilename: { honoured: ENV_TEST },
  searchAttributes: { honoured: ENV_TEST },
  executable: { refused: IN_PROCESS },
  ip: { refused: `${IN_PROCESS}; to test over HTTP, run \`endure server start-dev\` and use createFromExistingServer({ address })` },
  port: { refused: `${IN_PROCESS}; to test over HTTP, run \`endure server start-dev\` and use createFromExistingServer({ address })` },
  ui: { refused: 'there is no UI; inspect workflows with `endure workflow show` or handle.describe()' },
  uiPort: { refused: 'there is no UI; inspect workflows with `endure workflow show` or handle.describe()' },
  log: { refused: 'the engine does not log on its own; workers log through Runtime.install({ logger }) or the logger worker option' },
  extraArgs: { refused: IN_PROCESS },
});

export const timeSkippingEnvOptionTable = optionTable<TimeSkippingTestWorkflowEnvironmentOptions>('TimeSkippingTestWorkflowEnvironmentOptions', 'TestWorkflowEnvironment.createTimeSkipping', {
  server: { honoured: ENV_TEST },
  client: { honoured: ENV_TEST },
  plugins: { refused: NO_PLUGINS },
});

export const timeSkippingServerOptionTable = optionTable<TimeSkippingServerConfig>('TimeSkippingServerConfig', 'TestWorkflowEnvironment.createTimeSkipping', {
  executable: { refused: IN_PROCESS },
  port: { refused: IN_PROCESS },
  extraArgs: { refused: IN_PROCESS },
});

export const existingServerEnvOptionTable = optionTable<ExistingServerTestWorkflowEnvironmentOptions>('ExistingServerTestWorkflowEnvironmentOptions', 'TestWorkflowEnvironment.createFromExistingServer', {
  address: { honoured: ENV_TEST },
  namespace: { honoured: ENV_TEST },
  client: { honoured: ENV_TEST },
  plugins: { refused: NO_PLUGINS },
});

/** Endure's names of Temporal's search attribute types. */
export const SEARCH_ATTRIBUTE_TYPES = { TEXT: 'Text', KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' } as const;
