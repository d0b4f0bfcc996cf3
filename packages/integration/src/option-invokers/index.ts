// Every options table's invoker, by the table's options type. One line per area: a new area's
// file exports its invokers and is spread in here.
import type { OptionInvoker, OptionInvokers } from './types.js';
import type { OptionInvoker as SharedEngineInvoker } from './embedded.js';
import { clientInvokers } from './client.js';
import { connectionInvokers } from './connection.js';
import { workerInvokers } from './worker.js';
import { workflowInvokers } from './workflow.js';
import { testingInvokers } from './testing.js';

export type { OptionInvoker, OptionInvokers } from './types.js';

/** Invokers that run against their own shared engine (embedded.ts) take the one extra option by name. */
function onSharedEngine(invokers: Readonly<Record<string, SharedEngineInvoker>>): OptionInvokers {
  const adapt =
    (invoke: SharedEngineInvoker): OptionInvoker =>
    (_env, extra) => {
      const entries = Object.entries(extra);
      if (entries.length !== 1) throw new TypeError(`an invoker takes one extra option, got ${entries.length}`);
      const [option, value] = entries[0]!;
      return invoke(option, value);
    };
  return Object.fromEntries(Object.entries(invokers).map(([type, invoke]) => [type, adapt(invoke)]));
}

export const optionInvokers: OptionInvokers = {
  ...clientInvokers,
  ...connectionInvokers,
  ...onSharedEngine(workerInvokers),
  ...onSharedEngine(workflowInvokers),
  ...onSharedEngine(testingInvokers),
};
