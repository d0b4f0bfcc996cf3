// W1 in server mode: the same measurement as W1, with server, worker and client as three
// processes talking HTTP; also reports each process's CPU seconds during the measured runs.
import type { ScenarioResult } from './harness.js';
import { cpuMeter, withServerEnv } from './server-env.js';
import { W1_TUNING, measureW1 } from './w1.js';

export async function run(): Promise<ScenarioResult> {
  return withServerEnv('sequential', W1_TUNING, ({ client, pids }) =>
    measureW1(client, { label: 'server-w1', setup: 'server mode (endure server, worker and client processes over HTTP): ', targetP50Ms: 15, meter: () => cpuMeter(pids) }),
  );
}
