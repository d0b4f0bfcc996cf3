// A cluster of real `endure server --cluster` processes on one fresh PostgreSQL schema, for the
// cluster tests: start, SIGKILL and restart nodes, and the address list clients and workers use.
import { startServerProcess, type ServerProcess } from './server-process.js';

export interface ClusterNodeSettings {
  shards: number;
  leaseMs: number;
}

export class TestCluster {
  readonly nodes: (ServerProcess | undefined)[] = [];
  /** Each slot's address: a node restarted in a slot listens on the same port, so the list stays right. */
  readonly addresses: string[] = [];

  constructor(
    private readonly db: string,
    private readonly settings: ClusterNodeSettings,
  ) {}

  /** The comma-separated list of every node's address (what clients and workers are given). */
  get address(): string {
    return this.addresses.join(',');
  }

  /** Starts `n` nodes at once (their migrations race, as in a real rollout). */
  async start(n: number): Promise<void> {
    const started = await Promise.all(Array.from({ length: n }, (_, i) => this.spawn(i)));
    started.forEach((node, i) => {
      this.nodes[i] = node;
      this.addresses[i] = node.address;
    });
  }

  private spawn(slot: number, port?: number): Promise<ServerProcess> {
    const args = ['--cluster', '--shards', String(this.settings.shards), '--lease-ms', String(this.settings.leaseMs), '--node-id', `node${slot}`];
    // A node joining loads its shards' work: on a loaded machine that takes a while.
    return startServerProcess(this.db, { args, readyTimeoutMs: 60_000, ...(port !== undefined ? { port } : {}) });
  }

  /** SIGKILLs the node in `slot` (no grace: its leases run out, the others take its shards). */
  async kill(slot: number): Promise<void> {
    await this.nodes[slot]?.kill();
    this.nodes[slot] = undefined;
  }

  /** Starts a node again in `slot`, on the port it had. */
  async restart(slot: number): Promise<void> {
    const port = Number(new URL(this.addresses[slot]!).port);
    this.nodes[slot] = await this.spawn(slot, port);
  }

  /** What every node wrote to stderr, for a failure message. */
  logs(): string {
    return this.nodes.map((n, i) => `--- node${i} ---\n${n?.stderr().slice(-4000) ?? '(down)'}`).join('\n');
  }

  /** SIGKILLs every node (a test's cleanup that must not wait on anything). */
  async killAll(): Promise<void> {
    await Promise.all(this.nodes.map((_, slot) => this.kill(slot)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n?.stop() ?? Promise.resolve(null)));
  }
}
