// W3 on a cluster: three server nodes over PostgreSQL, a worker per node, the client's workflows
// taking the nodes in turn (cluster-env.ts); also CPU seconds of every process and PostgreSQL's
// transactions and WAL fsyncs per workflow (one timer each: a "step" here is a workflow).
import type { ScenarioResult } from './harness.js';
import { clusterCpuMeter, onCluster } from './cluster-env.js';
import { W3_ALL_WORKFLOWS, W3_TUNING, measureW3 } from './w3.js';

export async function run(): Promise<ScenarioResult> {
  return onCluster('sleeper', W3_TUNING, W3_ALL_WORKFLOWS, ({ clients, pids, setup }) =>
    measureW3(clients, { label: 'cluster-w3', setup, targetP99Ms: 100, meter: () => clusterCpuMeter(pids) }),
  );
}
