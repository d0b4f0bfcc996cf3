// How a final launch reports the end of a run: its result, or what result() threw.
import type { WorkflowHandle } from '@endure/client';

export interface RunEnd {
  result?: unknown;
  /** The error result() threw, and the name of its cause (e.g. CancelledFailure, TerminatedFailure). */
  error?: { name: string; message: string; causeName?: string };
}

/** Waits for the run to close. */
export async function runEnd(handle: WorkflowHandle): Promise<RunEnd> {
  try {
    return { result: await handle.result() };
  } catch (err) {
    const e = err as Error;
    return { error: { name: e.name, message: e.message, causeName: (e.cause as Error | undefined)?.name } };
  }
}
