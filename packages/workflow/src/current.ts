import type { Activator } from './activator.js';

/**
 * All workflows of a worker share one sandbox realm; this points at the one whose activation
 * is running. Activations are synchronous (the realm's microtasks drain before the next one
 * starts), so every line of workflow code runs while its own activator is current.
 */
let current: Activator | undefined;

export function setCurrent(a: Activator | undefined): void {
  current = a;
}

export function activator(what: string): Activator {
  if (!current) {
    throw new Error(`${what} can only be called from workflow code, while the workflow is running on a Worker`);
  }
  return current;
}

export function maybeActivator(): Activator | undefined {
  return current;
}
