// Health probes. A supervisor must be able to tell a process to restart from one to leave alone:
//   GET /v1/health/live   liveness: fails only when the engine stopped after a storage failure
//                         (it refuses all work until the process restarts); a server draining
//                         for shutdown is still alive, so it is not killed mid-drain.
//   GET /v1/health/ready  readiness: fails too while the server shuts down.
//   GET /v1/health        the same as ready (the probe earlier versions documented).
// A failing probe answers 503 with the usual error body naming the cause.
import type { EngineHealth } from '@endure/embedded';
import { HttpProblem } from './http-errors.js';

export type Probe = 'live' | 'ready';

const PROBES: Record<string, Probe> = { '/v1/health': 'ready', '/v1/health/ready': 'ready', '/v1/health/live': 'live' };

/** The probe a path asks for, if it is one. */
export function probeOf(path: string): Probe | undefined {
  return Object.hasOwn(PROBES, path) ? PROBES[path] : undefined;
}

export interface HealthState {
  engine: EngineHealth;
  shuttingDown: boolean;
  /**
   * Whether the answer may carry the storage error's message, which names the database file:
   * only to callers that could make API calls anyway (a valid key, or a server without keys).
   */
  showCause: boolean;
}

/** The probe's answer: `{ status: 'ok' }`, or throws the 503 that says why not. */
export function answerProbe(probe: Probe, s: HealthState): { status: 'ok' } {
  const e = s.engine;
  if (e.status === 'failed') {
    const cause = s.showCause ? e.cause : `${e.code ?? 'storage error'}; the full cause is in the server log and in answers to authenticated requests`;
    throw new HttpProblem(503, 'UNAVAILABLE', `the engine stopped after a storage failure (${cause}); restart the process once the cause is fixed`);
  }
  if (e.status === 'closed') throw new HttpProblem(503, 'UNAVAILABLE', 'the engine is shut down');
  if (probe === 'ready' && s.shuttingDown) throw new HttpProblem(503, 'UNAVAILABLE', 'the server is shutting down');
  return { status: 'ok' };
}
