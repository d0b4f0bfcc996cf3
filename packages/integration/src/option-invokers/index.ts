// Every options table's invoker, by the table's options type. One line per area: a new area's
// file exports its invokers and is spread in here.
import type { OptionInvokers } from './types.js';
import { clientInvokers } from './client.js';

export type { OptionInvoker, OptionInvokers } from './types.js';

export const optionInvokers: OptionInvokers = {
  ...clientInvokers,
};
