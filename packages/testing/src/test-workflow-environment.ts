import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type ClientOptions } from '@endure/client';
import { NativeConnection } from '@endure/worker';
import { toMs, type Duration } from '@endure/common';
import { fromCaller, type EmbeddedOptions } from '@endure/transport';
import type { EngineApi } from '@endure/protocol';
import { VirtualClock } from './virtual-clock.js';
import { WorkTracker } from './work-tracker.js';
import { TimeSkipper } from './time-skipper.js';

/** Client options the environment passes through (it supplies the connection and namespace). */
export type ClientOptionsForTestEnv = Omit<ClientOptions, 'namespace' | 'connection'>;

export interface LocalTestWorkflowEnvironmentOptions {
  client?: ClientOptionsForTestEnv;
}
export type TimeSkippingTestWorkflowEnvironmentOptions = LocalTestWorkflowEnvironmentOptions;

/**
 * Durable timers are loaded into the engine's memory this far ahead. Far enough that a test's
 * timers are always in memory, so a skip never has to wait for the engine's periodic rescan.
 */
const TIME_SKIPPING_TIMER_HORIZON_MS = 100 * 365 * 24 * 3600_000;

/** The same connection, but whose engine calls go through `engine` (the tracker's wrapper). */
function withEngine<C extends { readonly engine: EngineApi }>(conn: C, engine: EngineApi): C {
  return Object.create(conn, { engine: { value: engine } }) as C;
}

/**
 * An embedded engine on a fresh temporary SQLite file, with a client and a connection for
 * workers. createTimeSkipping() runs the engine on a virtual clock that jumps ahead when all
 * work is idle.
 */
export class TestWorkflowEnvironment {
  readonly namespace = 'default';
  readonly client: Client;

  private constructor(
    readonly connection: Connection,
    /** Pass it to Worker.create({ connection }). */
    readonly nativeConnection: NativeConnection,
    readonly supportsTimeSkipping: boolean,
    /** The `sqlite:` address of the environment's database (to open more connections to it). */
    readonly address: string,
    private readonly dir: string,
    private readonly skipper: TimeSkipper | undefined,
    private readonly clock: VirtualClock | undefined,
    options: LocalTestWorkflowEnvironmentOptions,
  ) {
    this.client = new Client({ ...options.client, connection, namespace: this.namespace });
  }

  /** An engine on the real clock: timers take as long as they say. */
  static async createLocal(opts: LocalTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
    const { dir, address } = tempDatabase();
    try {
      const nativeConnection = await NativeConnection.connect({ address });
      const connection = await Connection.connect({ address });
      return new TestWorkflowEnvironment(connection, nativeConnection, false, address, dir, undefined, undefined, opts);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
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
    const { dir, address } = tempDatabase();
    const tracker = new WorkTracker();
    const clock = new VirtualClock(() => tracker.bump());
    // A far timer horizon: every durable timer is held in memory, so a jump reaches it at once.
    const embedded: EmbeddedOptions = { clock, timerHorizonMs: TIME_SKIPPING_TIMER_HORIZON_MS };
    try {
      // This first connection creates the engine, with the virtual clock.
      const native = await NativeConnection.connect({ address, embedded });
      const conn = await Connection.connect({ address, embedded });
      const skipper = new TimeSkipper(clock, tracker);
      return new TestWorkflowEnvironment(
        withEngine(conn, tracker.wrap(conn.engine)),
        withEngine(native, tracker.wrap(native.engine)),
        true, address, dir, skipper, clock, opts,
      );
    } catch (err) {
      clock.close();
      rmSync(dir, { recursive: true, force: true });
      throw await fromCaller(err, TestWorkflowEnvironment.createTimeSkipping);
    }
  }

  /**
   * Waits `duration` of engine time: real time in a local environment; in a time-skipping one,
   * time jumps ahead (firing the deadlines on the way, each once its work has settled).
   */
  sleep = async (duration: Duration): Promise<void> => {
    const ms = toMs(duration, 'sleep duration');
    if (this.skipper) await this.skipper.sleep(ms);
    else await new Promise((r) => setTimeout(r, ms));
  };

  /** The engine's current time, in ms since the epoch. */
  async currentTimeMs(): Promise<number> {
    return this.clock ? this.clock.now() : Date.now();
  }

  /** Closes the connections (and with them the engine) and deletes the database files. */
  async teardown(): Promise<void> {
    try {
      await this.skipper?.close();
      await this.connection.close();
      await this.nativeConnection.close();
    } finally {
      this.clock?.close();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function tempDatabase(): { dir: string; address: string } {
  const dir = mkdtempSync(join(tmpdir(), 'endure-testenv-'));
  return { dir, address: `sqlite:${join(dir, 'endure.db')}` };
}
