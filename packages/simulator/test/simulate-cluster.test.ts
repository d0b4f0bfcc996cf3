// The multi-node simulator in CI: a fixed range of seeds, each a cluster of two or three nodes over
// one database, across every fault kind — node crashes and restarts, frozen nodes waking after
// their shards were taken (their held writes fenced off), missed lease renewals, failed and
// ambiguous commits, lost and duplicated messages, clock jumps — with every invariant holding;
// the same seed repeating exactly; and the fence audit catching what it is meant to catch.
// More seeds: `npm run simulate -- --cluster --seeds 10000`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FenceAudit } from '../src/fence-audit.js';
import { simulateCluster } from '../src/simulate-cluster.js';
import type { FaultCounts } from '../src/sim-world.js';

const SEEDS = 1_000;

/** How often each fault kind must have been injected (or, for fenced-off writes, provoked) over the seeds. */
const AT_LEAST: FaultCounts = {
  nodeCrashes: 200,
  nodePauses: 200,
  missedRenewals: 200,
  failedCommits: 50,
  ambiguousCommits: 50,
  clockJumps: 200,
  fencedOffWrites: 100,
  fencedOffAfterPause: 50,
  shardsGivenUp: 100,
  droppedRequests: 200,
  duplicatedRequests: 200,
  droppedAnswers: 200,
};

describe('deterministic simulation of a cluster', () => {
  it(`holds every invariant over ${SEEDS} seeds of two or three nodes, with every kind of fault injected`, async () => {
    const totals: FaultCounts = {};
    const failing: string[] = [];
    let workflows = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await simulateCluster(seed);
      workflows += r.workflows;
      for (const [kind, n] of Object.entries(r.faults)) totals[kind] = (totals[kind] ?? 0) + n;
      if (r.violations.length) failing.push(`seed ${seed} (rerun: npm run simulate -- --cluster --seed ${seed}):\n  ${r.violations.join('\n  ')}`);
    }
    assert.deepEqual(failing, []);
    for (const [kind, n] of Object.entries(AT_LEAST)) assert.ok((totals[kind] ?? 0) >= n, `fault kind ${kind} happened only ${totals[kind] ?? 0} times over ${SEEDS} seeds (at least ${n} wanted)`);
    assert.ok(workflows >= 1.3 * SEEDS, `${workflows} workflows`);
  });

  it('repeats a seed exactly', async () => {
    for (const seed of [11, 4242]) {
      const [a, b] = [await simulateCluster(seed), await simulateCluster(seed)];
      assert.deepEqual({ steps: b.steps, digest: b.digest, faults: b.faults }, { steps: a.steps, digest: a.digest, faults: a.faults });
    }
    assert.notEqual((await simulateCluster(1)).digest, (await simulateCluster(2)).digest);
  });

  it('runs without faults too, on two and on three nodes', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = await simulateCluster(seed, { faults: false, nodes: 2 + (seed % 2) });
      assert.deepEqual(r.violations, []);
      assert.equal(r.faults.nodeCrashes! + r.faults.fencedOffWrites! + r.faults.droppedAnswers!, 0);
    }
  });
});

describe('the fence audit', () => {
  it('reports the stale writes that land when the database does not enforce fences', async () => {
    const caught: string[] = [];
    for (let seed = 1; seed <= 100 && caught.length === 0; seed++) {
      const r = await simulateCluster(seed, { unfencedDatabase: true });
      caught.push(...r.violations.filter((v) => /while the shard's token was|a lease of|interleaved/.test(v)));
    }
    assert.ok(caught.length > 0, 'some seed had a node write under a lease it had lost, and the audit said so');
  });

  const lease = (token: number, nodeId = 'a') => ({ shardId: 0, nodeId, token, expiresAt: 1 });
  const a1 = { nodeId: 'a', process: 'a#1' };

  it('accepts writes under the writer’s current lease, and a restarted node carrying on under its token', () => {
    const audit = new FenceAudit();
    audit.applied('w1', { shardId: 0, token: 1 }, lease(1), a1);
    audit.applied('w2', { shardId: 0, token: 1 }, lease(1), { nodeId: 'a', process: 'a#2' });
    audit.applied('w3', { shardId: 0, token: 2 }, lease(2, 'b'), { nodeId: 'b', process: 'b#1' });
    assert.deepEqual(audit.violations, []);
  });

  it('catches an unfenced write, a stale token, another node’s lease, an older token after a newer one, and interleaved writers', () => {
    const cases: [string, (audit: FenceAudit) => void, RegExp][] = [
      ['unfenced', (x) => x.applied('w', undefined, lease(1), a1), /without a fence/],
      ['stale token', (x) => x.applied('w', { shardId: 0, token: 1 }, lease(2, 'b'), a1), /while the shard's token was 2/],
      ['another node', (x) => x.applied('w', { shardId: 0, token: 3 }, lease(3, 'b'), a1), /a lease of b/],
      [
        'token going back',
        (x) => {
          x.applied('w', { shardId: 0, token: 2 }, lease(2), a1);
          x.applied('w', { shardId: 0, token: 1 }, lease(1), a1);
        },
        /after token 2 had written/,
      ],
      [
        'interleaved',
        (x) => {
          x.applied('w', { shardId: 0, token: 1 }, lease(1), a1);
          x.applied('w', { shardId: 0, token: 1 }, lease(1), { nodeId: 'a', process: 'a#2' });
          x.applied('w', { shardId: 0, token: 1 }, lease(1), a1);
        },
        /interleaved/,
      ],
    ];
    for (const [name, plant, expected] of cases) {
      const audit = new FenceAudit();
      plant(audit);
      assert.match(audit.violations.join('\n'), expected, name);
    }
  });
});
