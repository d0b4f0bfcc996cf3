// W2 in server mode: the same measurement as W2, with server, worker and client as three
// processes talking HTTP; also reports each process's CPU seconds during the measured runs.
import type { ScenarioResult } from './harness.js';
import { cpuMeter, withServerEnv } from './server-env.js';
import { W2_TUNING, measureW2 } from './w2.js';

export async function run(): Promise<ScenarioResult> {
  return withServerEnv('sequential', W2_TUNING, ({ client, pids }) =>
    measureW2(client, { label: 'server-w2', setup: 'server mode (endure server, worker and client processes over HTTP): ', targetStepsPerSec: 3000, meter: () => cpuMeter(pids) }),
  );
}
