// Fixture: a workflow module that imports a Node built-in it never uses at run time (bundles only
// with bundlerOptions.ignoreModules, as in Temporal).
import { readFileSync } from 'node:fs';

/** Never called by the workflow: it only makes the import needed. */
export function readsHostname(): string {
  return readFileSync('/etc/hostname', 'utf8');
}

export async function neverTouchesFs(): Promise<string> {
  return 'ran without fs';
}
