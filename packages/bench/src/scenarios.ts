// The scenario registry: name → module with run(). Loaded lazily, one per child process.
import type { ScenarioResult } from './harness.js';

export const SCENARIOS: Record<string, () => Promise<{ run(): Promise<ScenarioResult> }>> = {
  w1: () => import('./w1.js'),
  w2: () => import('./w2.js'),
  w3: () => import('./w3.js'),
  mem: () => import('./mem.js'),
  listing: () => import('./listing.js'),
  'memo-writes': () => import('./memo-writes.js'),
  migrate: () => import('./migrate.js'),
  startup: () => import('./startup.js'),
  'server-w1': () => import('./server-w1.js'),
  'server-w2': () => import('./server-w2.js'),
  'pg-w1': () => import('./pg-w1.js'),
  'pg-w2': () => import('./pg-w2.js'),
  'cluster-w1': () => import('./cluster-w1.js'),
  'cluster-w2': () => import('./cluster-w2.js'),
  'cluster-w3': () => import('./cluster-w3.js'),
  'cluster-kill': () => import('./cluster-kill.js'),
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);

/**
 * Scenarios that need longer than main.ts's default: listing builds its cached 1M-run database on
 * first use; the cluster ones run seven processes on the machine's cores.
 */
export const SCENARIO_TIMEOUTS_MS: Record<string, number> = { listing: 900_000, 'cluster-w1': 600_000, 'cluster-w2': 600_000, 'cluster-w3': 600_000, 'cluster-kill': 600_000 };
