// W1 on a cluster: three server nodes over PostgreSQL, a worker per node, the client's runs taking
// the nodes in turn (cluster-env.ts); also CPU seconds of every process and PostgreSQL's
// transactions and WAL fsyncs per step.
import type { ScenarioResult } from './harness.js';
import { clusterCpuMeter, onCluster } from './cluster-env.js';
import { W1_ALL_STEPS, W1_TUNING, measureW1 } from './w1.js';

export async function run(): Promise<ScenarioResult> {
  return onCluster('sequential', W1_TUNING, W1_ALL_STEPS, ({ clients, pids, setup }) =>
    measureW1(clients, { label: 'cluster-w1', setup, targetP50Ms: 15, meter: () => clusterCpuMeter(pids) }),
  );
}
