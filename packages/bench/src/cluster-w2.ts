// W2 on a cluster: three server nodes over PostgreSQL, a worker per node, the client's workflows
// taking the nodes in turn (cluster-env.ts); also CPU seconds of every process and PostgreSQL's
// transactions and WAL fsyncs per step.
import type { ScenarioResult } from './harness.js';
import { clusterCpuMeter, onCluster } from './cluster-env.js';
import { W2_ALL_STEPS, W2_TUNING, measureW2 } from './w2.js';

export async function run(): Promise<ScenarioResult> {
  return onCluster('sequential', W2_TUNING, W2_ALL_STEPS, ({ clients, pids, setup }) =>
    measureW2(clients, { label: 'cluster-w2', setup, targetStepsPerSec: 2000, meter: () => clusterCpuMeter(pids) }),
  );
}
