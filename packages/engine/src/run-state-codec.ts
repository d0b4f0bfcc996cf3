// The run state as stored: `WorkflowRecord.state`, JSON with its version first (`{"v":2,…}`).
// A database written by one release must open under the next, so every stored state is read
// through `decodeRunState`: an older version is upgraded, a newer one refused (upgrade Endure),
// and a state that is not what any release wrote is stored-data damage, found here rather than as
// a TypeError somewhere later.
//
// Versions: 1 is every state written before states carried a version (no `v`); 2 has the same
// fields, with `v`. A change to RunState's stored shape gets a new version and an upgrade step.
import { StoredDataCorruptError, type RunKey } from '@endure/storage';
import type { RunState } from './run-state.js';
import { withRequestIds } from './request-ids.js';
import { checkRunState } from './run-state-checks.js';

export const RUN_STATE_VERSION = 2;
const PREFIX = `{"v":${RUN_STATE_VERSION},`;

/** A run's state was written by a newer release than this one. */
export class RunStateVersionError extends Error {
  override name = 'RunStateVersionError';
  constructor(
    readonly key: RunKey,
    readonly version: number,
  ) {
    super(
      `workflow ${key.workflowId} run ${key.runId} in namespace ${key.namespace} has a state of version ${version}, written by a newer release of Endure than this one (which reads up to version ${RUN_STATE_VERSION}): upgrade Endure to work on it`,
    );
  }
}

/**
 * The stored text of a state. The version goes in front of JSON.stringify's text rather than
 * into the object: nothing in memory carries it, and it costs 6 bytes and one concatenation.
 */
export function encodeRunState(state: RunState): string {
  const json = JSON.stringify(state);
  return json === '{}' ? `{"v":${RUN_STATE_VERSION}}` : PREFIX + json.slice(1);
}

/** The state a run record holds, in its in-memory form; throws for damage and for newer versions. */
export function decodeRunState(key: RunKey, text: string): RunState {
  const damaged = (why: string) =>
    new StoredDataCorruptError(`the state of workflow ${key.workflowId} run ${key.runId} in namespace ${key.namespace} is damaged (${why}); restore the database from a backup`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged('it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw damaged('it is not a JSON object');
  const fields = parsed as Record<string, unknown>;
  const version = fields['v'] ?? 1;
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw damaged(`its version is ${JSON.stringify(version)}`);
  if ((version as number) > RUN_STATE_VERSION) throw new RunStateVersionError(key, version as number);
  delete fields['v'];
  // Version 1 states may hold fields older releases wrote and this one no longer reads: they are
  // dropped. A state of the current version has only fields this release writes.
  const problem = checkRunState(fields, version === RUN_STATE_VERSION ? 'exact' : 'dropUnknown');
  if (problem) throw damaged(problem);
  return withRequestIds(fields as unknown as RunState);
}
