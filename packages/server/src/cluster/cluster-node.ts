// The server's engine when it is one node of a cluster: the database opened shared (several
// nodes write it, each only the shards it leases), a ClusterMember owning this node's share of
// the shards, and the API every request goes through — routed to the owner of what it touches.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EngineApi } from '@endure/protocol';
import { ClusterMember, clusterApi, type Engine, type EngineHealth } from '@endure/engine';
import type { EmbeddedEngineOptions } from '@endure/embedded';
import { PeerLinks } from './peer-links.js';

export interface ClusterSettings {
  /**
   * This node's name among the others. Default: host name and port. Each start of the process
   * adds a random part to it, so a restarted node never renews leases its previous life held
   * (two processes under one id would write under one fencing token).
   */
  nodeId?: string;
  /** How many shards the runs are split into; every node must agree. Default 64. */
  shardCount?: number;
  /** How long a lease lasts without renewal: how soon a dead node's work is taken over. Default 10 s. */
  leaseMs?: number;
  /** The URL the other nodes reach this one at. Default: the URL it listens on. */
  advertiseUrl?: string;
}

export const DEFAULT_SHARD_COUNT = 64;

export interface ClusterNode {
  readonly member: ClusterMember;
  readonly engine: Engine;
  /** What clients and workers call: any request, served here or by the node owning it. */
  readonly api: EngineApi;
  /** The same, except that polls wait on this node's tasks alone (protocol's POLL_SCOPE_HEADER). */
  readonly nodeScopedApi: EngineApi;
  health(): EngineHealth;
  close(): Promise<void>;
}

/** Opens `db` (a postgres:// address, checked by options.ts) shared and joins the cluster as the node reached at `url`. */
export async function joinCluster(db: string, url: string, settings: ClusterSettings, engine: EmbeddedEngineOptions, log: (message: string) => void): Promise<ClusterNode> {
  const { PostgresStore } = await import('@endure/store-postgres');
  const store = await PostgresStore.open(db, { shared: true });
  const address = settings.advertiseUrl ?? url;
  const nodeId = `${settings.nodeId ?? `${hostname()}:${new URL(url).port}`}~${randomBytes(3).toString('hex')}`;
  log(`joining the cluster of ${db.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')} as node ${nodeId} (${address})`);
  let member: ClusterMember | undefined;
  let self: Engine | undefined;
  const links = new PeerLinks(() => self!.peerCredential());
  try {
    member = await ClusterMember.join(store, {
      nodeId,
      address,
      shardCount: settings.shardCount ?? DEFAULT_SHARD_COUNT,
      leaseMs: settings.leaseMs,
      engine,
      peerAt: (a) => links.get(a),
      opened: (engine) => (self = engine),
      log,
    });
  } catch (err) {
    links.close();
    await store.close();
    throw err;
  }
  const joined = member;
  log(`joined the cluster as node ${nodeId} (${address}); owns shards ${joined.engine.ownedShards()?.join(',') || 'none yet'}`);
  return {
    member: joined,
    engine: joined.engine,
    api: clusterApi(joined, (a) => links.get(a)),
    nodeScopedApi: clusterApi(joined, (a) => links.get(a), 'thisNode'),
    health: () => joined.engine.health(),
    close: async () => {
      await joined.leave().catch((err: unknown) => log(`leaving the cluster: ${err instanceof Error ? err.message : String(err)}`));
      links.close();
      await store.close();
    },
  };
}
