import type { TestEnv } from '../harness.js';

/**
 * Calls the real API that takes one options type, against a real engine (and worker, if it needs
 * one), with minimal valid options plus `extra` (one more option, as a user would pass it). The
 * options-table test passes each refused option, and a name that is not an option, and expects
 * the call to reject with UnsupportedOptionError naming it.
 */
export type OptionInvoker = (env: TestEnv, extra: Record<string, unknown>) => Promise<unknown>;

/** The invokers of one area, by the options type their table declares (OptionTableEntry.type). */
export type OptionInvokers = Readonly<Record<string, OptionInvoker>>;
