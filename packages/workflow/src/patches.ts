import { activator } from './current.js';

/**
 * Versioning for code running in flight: `if (patched('new-pricing')) { new code } else { old }`.
 * A run that reaches this point while running live takes the new path and records a marker; a
 * replay takes the path its history recorded (new if the marker is there, old if not). The
 * answer sticks for the rest of the run.
 */
export function patched(patchId: string): boolean {
  const a = activator('patched()');
  const decided = a.patchDecisions.get(patchId);
  if (decided !== undefined) return decided;
  const use = !a.replaying || a.knownPatches.has(patchId);
  a.patchDecisions.set(patchId, use);
  if (use) a.push({ type: 'RecordPatchMarker', patchId, deprecated: false });
  return use;
}

/**
 * Once no run that predates a patch is left, replace `if (patched(id))` with
 * `deprecatePatch(id)` and keep only the new code: histories with or without the marker replay.
 */
export function deprecatePatch(patchId: string): void {
  const a = activator('deprecatePatch()');
  if (a.patchDecisions.has(patchId)) return;
  a.patchDecisions.set(patchId, true);
  a.push({ type: 'RecordPatchMarker', patchId, deprecated: true });
}
