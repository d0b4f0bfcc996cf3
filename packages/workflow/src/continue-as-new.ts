import { checkOptions, optionalMs, toPayloads, type Duration } from '@endure/common';
import { activator } from './current.js';
import { continueAsNewOptionTable } from './option-tables.js';

export interface ContinueAsNewOptions {
  workflowType?: string;
  taskQueue?: string;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  /** @deprecated Not supported by Endure: call upsertMemo() in the next run; refused when set. */
  memo?: never;
  /** @deprecated Not supported by Endure: call upsertSearchAttributes() in the next run; refused when set. */
  searchAttributes?: never;
  /** @deprecated Not supported by Endure: call upsertSearchAttributes() in the next run; refused when set. */
  typedSearchAttributes?: never;
  /** @deprecated Not supported by Endure: there is no worker versioning; refused when set. */
  versioningIntent?: never;
  /** @deprecated Not supported by Endure: there is no worker versioning; refused when set. */
  initialVersioningBehavior?: never;
}

/**
 * Thrown by continueAsNew(): it unwinds the workflow function, and the runtime turns it into
 * the command that closes this run and starts the next one with a fresh history.
 */
export class ContinueAsNew extends Error {
  override name = 'ContinueAsNew';
  constructor(readonly command: { workflowType?: string; taskQueue?: string; args: import('@endure/protocol').Payload[]; workflowRunTimeoutMs?: number; workflowTaskTimeoutMs?: number }) {
    super('Workflow continued as new');
  }
}

/** Returns a function that continues this workflow as new with the given options and arguments. */
export function makeContinueAsNewFunc<F extends (...args: never[]) => Promise<unknown>>(options: ContinueAsNewOptions = {}): (...args: Parameters<F>) => Promise<never> {
  checkOptions('makeContinueAsNewFunc', 'ContinueAsNewOptions', options, continueAsNewOptionTable);
  return (...args: Parameters<F>) => {
    const a = activator('continueAsNew()');
    const type = options.workflowType ?? a.info.workflowType;
    return Promise.reject(
      new ContinueAsNew({
        workflowType: type,
        taskQueue: options.taskQueue,
        args: toPayloads(a.converter, args, `continueAsNew argument`),
        workflowRunTimeoutMs: optionalMs(options.workflowRunTimeout, 'workflowRunTimeout'),
        workflowTaskTimeoutMs: optionalMs(options.workflowTaskTimeout, 'workflowTaskTimeout'),
      }),
    );
  };
}

/** Ends this run and starts a new run of the same workflow with `args` (and an empty history). */
export function continueAsNew<F extends (...args: never[]) => Promise<unknown>>(...args: Parameters<F>): Promise<never> {
  return makeContinueAsNewFunc<F>()(...args);
}
