import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, type AsyncCompletionClient, type WorkflowClient } from '@endure/client';
import { NativeConnection } from '@endure/worker';
import { checkOptions, toMs, type Duration } from '@endure/common';
import { DEV_SERVER_ADDRESS, fromCaller, type EmbeddedOptions } from '@endure/transport';
import type { EngineApi } from '@endure/protocol';
import { VirtualClock } from './virtual-clock.js';
import { WorkTracker } from './work-tracker.js';
import { TimeSkipper } from './time-skipper.js';
import {
  devServerOptionTable,
  existingServerEnvOptionTable,
  localEnvOptionTable,
  SEARCH_ATTRIBUTE_TYPES,
  timeSkippingEnvOptionTable,
  timeSkippingServerOptionTable,
  type ClientOptionsForTestEnv,
  type DevServerConfig,
  type ExistingServerTestWorkflowEnvironmentOptions,
  type LocalTestWorkflowEnvironmentOptions,
  type TimeSkippingServerConfig,
  type TimeSkippingTestWorkflowEnvironmentOptions,
} from './options.js';

/**
 * Durable timers are loaded into the engine's memory this far ahead. Far enough that a test's
 * timers are always in memory, so a skip never has to wait for the engine's periodic rescan.
 */
const TIME_SKIPPING_TIMER_HORIZON_MS = 100 * 365 * 24 * 3600_000;

/** Where createFromExistingServer looks when given no address: `endure server start-dev`. */
/** Where `endure server start-dev` listens, as Temporal's createFromExistingServer defaults to its dev server. */
const DEFAULT_SERVER_ADDRESS = DEV_SERVER_ADDRESS;

/** The same connection, but whose engine calls go through `engine` (the tracker's wrapper). */
function withEngine<C extends { readonly engine: EngineApi }>(conn: C, engine: EngineApi): C {
  return Object.create(conn, { engine: { value: engine } }) as C;
}

/** How an environment was made, and what its teardown must undo. */
interface EnvParts {
  connection: Connection;
  nativeConnection: NativeConnection;
  supportsTimeSkipping: boolean;
  address: string;
  namespace: string;
  clientOptions: ClientOptionsForTestEnv | undefined;
  /** The options the environment was created with. */
  options: object;
  /** A temporary directory teardown deletes (absent when the database is the user's). */
  tempDir?: string;
  skipper?: TimeSkipper;
  clock?: VirtualClock;
}

/**
 * An engine for tests, with a client and a connection for workers. createLocal() and
 * createTimeSkipping() run an embedded engine on a fresh temporary SQLite file (the latter on a
 * virtual clock that jumps ahead when all work is idle); createFromExistingServer() uses a
 * running `endure server` (or any address).
 */
export class TestWorkflowEnvironment {
  readonly namespace: string;
  readonly client: Client;
  readonly connection: Connection;
  /** Pass it to Worker.create({ connection }). */
  readonly nativeConnection: NativeConnection;
  readonly supportsTimeSkipping: boolean;
  /** The engine's address (`sqlite:<file>` for the embedded environments), to open more connections to it. */
  readonly address: string;
  /** @deprecated Temporal's older name of `client.activity`. */
  readonly asyncCompletionClient: AsyncCompletionClient;
  /** @deprecated Temporal's older name of `client.workflow`. */
  readonly workflowClient: WorkflowClient;
  /** The options the environment was created with. */
  readonly options: object;
  private readonly parts: EnvParts;

  private constructor(parts: EnvParts) {
    this.parts = parts;
    this.connection = parts.connection;
    this.nativeConnection = parts.nativeConnection;
    this.supportsTimeSkipping = parts.supportsTimeSkipping;
    this.address = parts.address;
    this.namespace = parts.namespace;
    this.options = parts.options;
    this.client = new Client({ ...parts.clientOptions, connection: parts.connection, namespace: parts.namespace });
    this.asyncCompletionClient = this.client.activity;
    this.workflowClient = this.client.workflow;
  }

  /**
   * An engine on the real clock: timers take as long as they say. `server.namespace` creates and
   * uses a namespace, `server.searchAttributes` registers custom search attributes, and
   * `server.dbFilename` keeps the database in that file.
   */
  static async createLocal(opts: LocalTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
    checkOptions('TestWorkflowEnvironment.createLocal', 'LocalTestWorkflowEnvironmentOptions', opts, localEnvOptionTable);
    const server: DevServerConfig = opts.server ?? {};
    checkOptions('TestWorkflowEnvironment.createLocal', 'DevServerConfig', server, devServerOptionTable);
    const temp = server.dbFilename === undefined ? tempDatabase() : undefined;
    const address = temp ? temp.address : `sqlite:${resolve(server.dbFilename!)}`;
    let nativeConnection: NativeConnection | undefined;
    try {
      nativeConnection = await NativeConnection.connect({ address });
      const connection = await Connection.connect({ address });
      const namespace = server.namespace ?? 'default';
      const env = new TestWorkflowEnvironment({ connection, nativeConnection, supportsTimeSkipping: false, address, namespace, clientOptions: opts.client, options: opts, tempDir: temp?.dir });
      await env.prepare(server).catch(async (err: unknown) => {
        await env.teardown();
        throw err;
      });
      return env;
    } catch (err) {
      await nativeConnection?.close().catch(() => {}); // before its file goes
      if (temp) rmSync(temp.dir, { recursive: true, force: true });
      throw await fromCaller(err, TestWorkflowEnvironment.createLocal);
    }
  }

  /**
   * An engine on a virtual clock. Time skips to the next deadline (timer, timeout, retry) when
   * no workflow or activity task is running, while a workflow result is awaited (so
   * `client.workflow.execute` of a workflow sleeping a day returns at once); sleep() skips too.
   * Other connections to `address` share the clock, but only calls made through `client` and
   * `nativeConnection` are seen, so use those.
   */
  static async createTimeSkipping(opts: TimeSkippingTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
    checkOptions('TestWorkflowEnvironment.createTimeSkipping', 'TimeSkippingTestWorkflowEnvironmentOptions', opts, timeSkippingEnvOptionTable);
    checkOptions('TestWorkflowEnvironment.createTimeSkipping', 'TimeSkippingServerConfig', opts.server, timeSkippingServerOptionTable);
    const { dir, address } = tempDatabase();
    const tracker = new WorkTracker();
    const clock = new VirtualClock(() => tracker.bump());
    // A far timer horizon: every durable timer is held in memory, so a jump reaches it at once.
    const embedded: EmbeddedOptions = { clock, timerHorizonMs: TIME_SKIPPING_TIMER_HORIZON_MS };
    let native: NativeConnection | undefined;
    try {
      // This first connection creates the engine, with the virtual clock.
      native = await NativeConnection.connect({ address, embedded });
      const conn = await Connection.connect({ address, embedded });
      const skipper = new TimeSkipper(clock, tracker);
      return new TestWorkflowEnvironment({
        connection: withEngine(conn, tracker.wrap(conn.engine)),
        nativeConnection: withEngine(native, tracker.wrap(native.engine)),
        supportsTimeSkipping: true,
        address,
        namespace: 'default',
        clientOptions: opts.client,
        options: opts,
        tempDir: dir,
        skipper,
        clock,
      });
    } catch (err) {
      await native?.close().catch(() => {}); // before its file goes
      clock.close();
      rmSync(dir, { recursive: true, force: true });
      throw await fromCaller(err, TestWorkflowEnvironment.createTimeSkipping);
    }
  }

  /** An environment on an engine that is already running (an `endure server`, by default at localhost:7233, where `endure server start-dev` listens); teardown only closes the connections. */
  static async createFromExistingServer(opts: ExistingServerTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
    checkOptions('TestWorkflowEnvironment.createFromExistingServer', 'ExistingServerTestWorkflowEnvironmentOptions', opts, existingServerEnvOptionTable);
    const address = opts.address ?? DEFAULT_SERVER_ADDRESS;
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address }).catch(async (err: unknown) => {
      await nativeConnection.close();
      throw err;
    });
    return new TestWorkflowEnvironment({ connection, nativeConnection, supportsTimeSkipping: false, address, namespace: opts.namespace ?? 'default', clientOptions: opts.client, options: opts });
  }

  /** Creates the namespace and registers the search attributes createLocal was asked for. */
  private async prepare(server: DevServerConfig): Promise<void> {
    if (this.namespace !== 'default') {
      const known = await this.client.operator.listNamespaces();
      if (!known.some((n) => n.namespace === this.namespace)) await this.client.operator.registerNamespace({ namespace: this.namespace });
    }
    if (server.searchAttributes?.length) {
      const wanted: Record<string, (typeof SEARCH_ATTRIBUTE_TYPES)[keyof typeof SEARCH_ATTRIBUTE_TYPES]> = {};
      for (const key of server.searchAttributes) {
        const type = SEARCH_ATTRIBUTE_TYPES[key?.type];
        if (!type || typeof key.name !== 'string') {
          throw new TypeError(`TestWorkflowEnvironment.createLocal: server.searchAttributes entries are { name, type } with type one of ${Object.keys(SEARCH_ATTRIBUTE_TYPES).join(', ')}; got ${JSON.stringify(key)}`);
        }
        wanted[key.name] = type;
      }
      await this.client.operator.addSearchAttributes(wanted);
    }
  }

  /**
   * Waits `duration` of engine time: real time in a local environment; in a time-skipping one,
   * time jumps ahead (firing the deadlines on the way, each once its work has settled).
   */
  sleep = async (duration: Duration): Promise<void> => {
    const ms = toMs(duration, 'sleep duration');
    if (this.parts.skipper) await this.parts.skipper.sleep(ms);
    else await new Promise((r) => setTimeout(r, ms));
  };

  /** The engine's current time, in ms since the epoch. */
  async currentTimeMs(): Promise<number> {
    return this.parts.clock ? this.parts.clock.now() : Date.now();
  }

  /** Temporal's Nexus endpoints: Endure has no Nexus, so this throws, naming it. */
  createNexusEndpoint(_name: string, _taskQueue: string): Promise<never> {
    return Promise.reject(new Error('TestWorkflowEnvironment.createNexusEndpoint is not supported by Endure: there is no Nexus; call other workflows with startChild() or a client'));
  }

  /** Temporal's Nexus endpoints: Endure has no Nexus, so this throws, naming it. */
  deleteNexusEndpoint(_endpoint: unknown): Promise<never> {
    return Promise.reject(new Error('TestWorkflowEnvironment.deleteNexusEndpoint is not supported by Endure: there is no Nexus'));
  }

  /** Closes the connections (and with them an embedded engine) and deletes a temporary database. */
  async teardown(): Promise<void> {
    try {
      await this.parts.skipper?.close();
      await this.connection.close();
      await this.nativeConnection.close();
    } finally {
      this.parts.clock?.close();
      if (this.parts.tempDir) rmSync(this.parts.tempDir, { recursive: true, force: true });
    }
  }
}

function tempDatabase(): { dir: string; address: string } {
  const dir = mkdtempSync(join(tmpdir(), 'endure-testenv-'));
  return { dir, address: `sqlite:${join(dir, 'endure.db')}` };
}

export type { ClientOptionsForTestEnv, LocalTestWorkflowEnvironmentOptions, TimeSkippingTestWorkflowEnvironmentOptions, ExistingServerTestWorkflowEnvironmentOptions, DevServerConfig, TimeSkippingServerConfig };
