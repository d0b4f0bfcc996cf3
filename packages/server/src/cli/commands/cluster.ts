// `endure cluster describe`: the nodes of a cluster and which shards each holds.
import type { Command } from 'commander';
import type { DescribeClusterResponse } from '@endure/client';
import { outputOption, print, printJson, printTable, type OutputFormat } from '../output.js';
import { withClient } from '../context.js';

/** Shard ids as ranges, '0-3, 5, 7-9': a node of a 256-shard cluster holds dozens. */
export function shardRanges(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** How long ago, coarsely: '800ms', '4.2s', '42s', '5m', '3h', '2d'. */
export function age(ms: number): string {
  const t = Math.max(0, ms);
  if (t < 1000) return `${Math.round(t)}ms`;
  if (t < 10_000) return `${(t / 1000).toFixed(1)}s`;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) if (t >= size) return `${Math.floor(t / size)}${unit}`;
  return `${Math.floor(t / 1000)}s`;
}

export function printCluster(d: DescribeClusterResponse): void {
  const alive = d.nodes.filter((n) => n.alive).length;
  const held = d.shards.filter((s) => s.held);
  if (d.mode === 'single' && d.nodes.length === 0 && d.shards.length === 0) {
    return print('Single engine: it owns the whole database; no cluster nodes or shard leases are recorded.');
  }
  print(d.mode === 'cluster' ? `Cluster: ${d.nodes.length} node(s), ${alive} alive.` : `Single engine; the database records ${d.nodes.length} cluster node(s), ${alive} alive.`);
  if (d.nodes.length > 0) {
    print('');
    printTable(
      ['Node', 'Address', 'Alive', 'Shards', 'Held', 'Last heartbeat'],
      d.nodes.map((n) => [n.nodeId, n.address, n.alive ? 'yes' : 'no', `${n.shards.length}`, shardRanges(n.shards), `${age(d.now - n.heartbeatAt)} ago`]),
    );
  }
  print('');
  if (d.shardCount !== undefined) {
    const unowned = d.unowned ?? [];
    print(`Shards: ${d.shardCount}, ${held.length} held, ${unowned.length} unowned${unowned.length > 0 ? `: ${shardRanges(unowned)}` : ''}.`);
  } else {
    print(`Shard leases: ${d.shards.length}, ${held.length} held.`);
  }
  // A lease still running for a node no longer recorded (removed from the cluster before its leases ended).
  const members = new Set(d.nodes.map((n) => n.nodeId));
  const strays = held.filter((s) => !members.has(s.nodeId));
  if (strays.length > 0) print(`Held by nodes not recorded: ${strays.map((s) => `${s.shardId} (${s.nodeId})`).join(', ')}.`);
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('inspect the nodes of a cluster and their shards');

  cluster
    .command('describe')
    .description('show the nodes (address, alive, shards held, last heartbeat) and which shards nobody holds')
    .addOption(outputOption())
    .action(async (f: { output: OutputFormat }, cmd: Command) => {
      const d = await withClient(cmd, ({ client }) => client.operator.describeCluster());
      if (f.output === 'json') return printJson(d);
      printCluster(d);
    });
}
