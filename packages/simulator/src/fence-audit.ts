// The cluster's safety rule, checked from the database's side as each run write is applied: a
// shard's runs are written by one node at a time. Every run write carries a fence; the lease
// table at that moment names the writing node under that very token; tokens only go forward;
// and once another process has written under a token, the one before it never writes under it
// again (two incarnations of a node interleaving under one token would break a run's history in
// ways a gap-free check might not see). The store enforces the token itself; this audit also
// catches a store or an engine that lets the wrong writer through.
import type { Fence, ShardLease } from '@endure/storage';

/** Who sent a write: a node, and which incarnation of it (a restart is a new process). */
export interface Writer {
  nodeId: string;
  process: string;
}

export class FenceAudit {
  readonly violations: string[] = [];
  private readonly last = new Map<number, { token: number; process: string }>();
  /** `${shardId}:${token}:${process}` of processes another wrote after, under the same token. */
  private readonly superseded = new Set<string>();

  /** A run write (`what`) the database applied, with the shard's lease as it stood when it did. */
  applied(what: string, fence: Fence | undefined, lease: ShardLease | undefined, writer: Writer): void {
    if (!fence) return void this.violations.push(`${what}: written by ${writer.process} without a fence`);
    const where = `${what}: written by ${writer.process} under shard ${fence.shardId} token ${fence.token}`;
    if (!lease || lease.token !== fence.token) this.violations.push(`${where}, while the shard's token was ${lease?.token ?? 'none'}`);
    else if (lease.nodeId !== writer.nodeId) this.violations.push(`${where}, a lease of ${lease.nodeId}`);
    const prev = this.last.get(fence.shardId);
    if (prev && fence.token < prev.token) this.violations.push(`${where}, after token ${prev.token} had written`);
    if (prev && fence.token === prev.token && prev.process !== writer.process) this.superseded.add(`${fence.shardId}:${fence.token}:${prev.process}`);
    if (this.superseded.has(`${fence.shardId}:${fence.token}:${writer.process}`)) this.violations.push(`${where}, interleaved with another process's writes under the same token`);
    if (!prev || fence.token >= prev.token) this.last.set(fence.shardId, { token: fence.token, process: writer.process });
  }
}
