// The setting of one crash test's run: its kill seed, the database and log in the scratch
// directory, and how to launch its runner script on them.
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import { RunnerProcess } from './child-process.js';
import { killSeed } from './kills.js';
import type { ScratchDir } from './scratch-dir.js';

export interface CrashRunOptions {
  /** Leads the printed seed line ('crash test', 'crash-messages', …). */
  name: string;
  script: string;
  protocolPrefix: string;
  /** What the test calls one process ('child', 'launch'). */
  label: string;
  /** The log's file name in the scratch directory. */
  logFile: string;
}

export interface CrashRun {
  seed: number;
  random: () => number;
  dbPath: string;
  logPath: string;
  /** When the run began (after the seed was printed). */
  t0: number;
  /** Spawns launch number `index` of the runner script, with `flags` such as '--start' or '--final'. */
  launch(index: number, ...flags: string[]): RunnerProcess;
}

export function startCrashRun(t: TestContext, scratch: ScratchDir, { name, script, protocolPrefix, label, logFile }: CrashRunOptions): CrashRun {
  const { seed, random } = killSeed(t, name, scratch.path);
  const dbPath = join(scratch.path, 'endure.db');
  const logPath = join(scratch.path, logFile);
  const launch = (index: number, ...flags: string[]) => new RunnerProcess({ script, args: ['--db', dbPath, '--log', logPath, ...flags], protocolPrefix, label, index });
  return { seed, random, dbPath, logPath, t0: Date.now(), launch };
}
