import { checkOptions } from '@endure/common';
import { activator } from './current.js';
import { queryHandlerOptionTable, signalHandlerOptionTable, updateHandlerOptionTable } from './option-tables.js';

/**
 * What happens when the workflow finishes while a signal or update handler is still running:
 * WARN_AND_ABANDON (the default) logs a warning naming the handlers; ABANDON says nothing.
 */
export const HandlerUnfinishedPolicy = {
  WARN_AND_ABANDON: 'WARN_AND_ABANDON',
  ABANDON: 'ABANDON',
} as const;
export type HandlerUnfinishedPolicy = (typeof HandlerUnfinishedPolicy)[keyof typeof HandlerUnfinishedPolicy];
const UNFINISHED_POLICIES: readonly unknown[] = Object.values(HandlerUnfinishedPolicy);

/** A signal: a message into the workflow, recorded in history. */
export interface SignalDefinition<Args extends unknown[] = [], Name extends string = string> {
  type: 'signal';
  name: Name;
  /** Types only; never set. */
  __args?: Args;
}

/** A query: a read of the workflow's state, never recorded, never changing anything. */
export interface QueryDefinition<Ret, Args extends unknown[] = [], Name extends string = string> {
  type: 'query';
  name: Name;
  __args?: Args;
  __ret?: Ret;
}

/** An update: a tracked request that may change the workflow and returns a result. */
export interface UpdateDefinition<Ret, Args extends unknown[] = [], Name extends string = string> {
  type: 'update';
  name: Name;
  __args?: Args;
  __ret?: Ret;
}

export function defineUpdate<Ret, Args extends unknown[] = [], Name extends string = string>(name: Name): UpdateDefinition<Ret, Args, Name> {
  return { type: 'update', name };
}

export function defineSignal<Args extends unknown[] = [], Name extends string = string>(name: Name): SignalDefinition<Args, Name> {
  return { type: 'signal', name };
}

export function defineQuery<Ret, Args extends unknown[] = [], Name extends string = string>(name: Name): QueryDefinition<Ret, Args, Name> {
  return { type: 'query', name };
}

export type Handler<D> = D extends SignalDefinition<infer A>
  ? (...args: A) => void | Promise<void>
  : D extends QueryDefinition<infer R, infer A>
    ? (...args: A) => R
    : D extends UpdateDefinition<infer R, infer A>
      ? (...args: A) => R | Promise<R>
      : never;

/** For updates: a validator runs first (read-only, like a query); throwing rejects the update. */
export interface UpdateHandlerOptions<Args extends unknown[]> {
  validator?: (...args: Args) => void;
  /** Shown by the `__temporal_workflow_metadata` query. */
  description?: string;
  /** Default WARN_AND_ABANDON. */
  unfinishedPolicy?: HandlerUnfinishedPolicy;
}

export interface SignalHandlerOptions {
  /** Shown by the `__temporal_workflow_metadata` query. */
  description?: string;
  /** Default WARN_AND_ABANDON. */
  unfinishedPolicy?: HandlerUnfinishedPolicy;
}

export interface QueryHandlerOptions {
  /** Shown by the `__temporal_workflow_metadata` query. */
  description?: string;
}

/** Receives the queries that have no handler of their own. */
export type DefaultQueryHandler = (queryName: string, ...args: unknown[]) => unknown;
/** Receives the updates that have no handler of their own (no validator runs for them). */
export type DefaultUpdateHandler = (updateName: string, ...args: unknown[]) => unknown;
/** Receives the signals that have no handler of their own. */
export type DefaultSignalHandler = (signalName: string, ...args: unknown[]) => void | Promise<void>;

/** Names the runtime answers itself, which workflow code may not take. */
const RESERVED = ['__stack_trace', '__enhanced_stack_trace', '__temporal_workflow_metadata'];

function handlerOptions(def: { type: string; name: string }, options: unknown): { description?: string; unfinishedPolicy?: HandlerUnfinishedPolicy; validator?: (...args: unknown[]) => void } {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new TypeError(`setHandler('${def.name}', handler, options): options must be an object`);
  if (def.type === 'signal') checkOptions('setHandler', 'SignalHandlerOptions', options, signalHandlerOptionTable);
  else if (def.type === 'query') checkOptions('setHandler', 'QueryHandlerOptions', options, queryHandlerOptionTable);
  else checkOptions('setHandler', 'UpdateHandlerOptions', options, updateHandlerOptionTable);
  const o = options as { description?: unknown; unfinishedPolicy?: unknown; validator?: unknown };
  if (o.description !== undefined && typeof o.description !== 'string') throw new TypeError(`setHandler('${def.name}'): description must be a string`);
  if (o.unfinishedPolicy !== undefined && !UNFINISHED_POLICIES.includes(o.unfinishedPolicy)) {
    throw new TypeError(`setHandler('${def.name}'): unfinishedPolicy must be one of ${UNFINISHED_POLICIES.join(', ')}, got ${String(o.unfinishedPolicy)}`);
  }
  if (o.validator !== undefined && typeof o.validator !== 'function') throw new TypeError(`setHandler('${def.name}'): validator must be a function`);
  return o as ReturnType<typeof handlerOptions>;
}

/**
 * Sets (or with undefined, removes) the handler of a signal, query or update. Signals that
 * arrived before their handler are delivered to it now, in order.
 */
export function setHandler<D extends { type: 'signal' | 'query' | 'update'; name: string }>(
  def: D,
  handler: Handler<D> | undefined,
  options?: D extends UpdateDefinition<unknown, infer A> ? UpdateHandlerOptions<A> : D extends { type: 'signal' } ? SignalHandlerOptions : QueryHandlerOptions,
): void {
  const a = activator('setHandler()');
  if (!def || !['signal', 'query', 'update'].includes(def.type) || typeof def.name !== 'string') {
    throw new TypeError('setHandler(def, handler): def must come from defineSignal(), defineQuery() or defineUpdate()');
  }
  if (RESERVED.includes(def.name)) throw new TypeError(`setHandler: '${def.name}' is a name the runtime answers itself; choose another name`);
  if (handler !== undefined && typeof handler !== 'function') throw new TypeError(`setHandler('${def.name}', handler): handler must be a function`);
  const o = handlerOptions(def, options);
  const fn = handler as ((...args: unknown[]) => unknown) | undefined;
  if (def.type === 'update') {
    if (fn === undefined) a.updateHandlers.delete(def.name);
    else a.updateHandlers.set(def.name, { handler: fn, validator: o.validator, description: o.description, unfinishedPolicy: o.unfinishedPolicy ?? 'WARN_AND_ABANDON' });
    return;
  }
  if (def.type === 'query') {
    if (fn === undefined) a.queryHandlers.delete(def.name);
    else a.queryHandlers.set(def.name, { handler: fn, description: o.description });
    return;
  }
  if (fn === undefined) {
    a.signalHandlers.delete(def.name);
    return;
  }
  a.signalHandlers.set(def.name, { handler: fn, description: o.description, unfinishedPolicy: o.unfinishedPolicy ?? 'WARN_AND_ABANDON' });
  a.flushBufferedSignals();
}

function checkDefault(what: string, handler: unknown): void {
  if (handler !== undefined && typeof handler !== 'function') throw new TypeError(`${what}(handler): handler must be a function or undefined, got ${typeof handler}`);
}

/** Receives every signal that has no handler of its own (and those already buffered). */
export function setDefaultSignalHandler(handler: DefaultSignalHandler | undefined): void {
  const a = activator('setDefaultSignalHandler()');
  checkDefault('setDefaultSignalHandler', handler);
  a.defaultSignalHandler = handler;
  if (handler) a.flushBufferedSignals();
}

/** Receives every query that has no handler of its own, with the query's name first. */
export function setDefaultQueryHandler(handler: DefaultQueryHandler | undefined): void {
  const a = activator('setDefaultQueryHandler()');
  checkDefault('setDefaultQueryHandler', handler);
  a.defaultQueryHandler = handler;
}

/** Receives every update that has no handler of its own, with the update's name first (no validator runs). */
export function setDefaultUpdateHandler(handler: DefaultUpdateHandler | undefined): void {
  const a = activator('setDefaultUpdateHandler()');
  checkDefault('setDefaultUpdateHandler', handler);
  a.defaultUpdateHandler = handler;
}

/** True when no signal or update handler is still running (await it before the workflow returns). */
export function allHandlersFinished(): boolean {
  return activator('allHandlersFinished()').runningHandlers.size === 0;
}
