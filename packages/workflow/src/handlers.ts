import { activator } from './current.js';

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
}

/**
 * Sets (or with undefined, removes) the handler of a signal or query. Signals that arrived
 * before their handler are delivered to it now, in order.
 */
export function setHandler<D extends { type: 'signal' | 'query' | 'update'; name: string }>(
  def: D,
  handler: Handler<D> | undefined,
  options?: D extends UpdateDefinition<unknown, infer A> ? UpdateHandlerOptions<A> : never,
): void {
  const a = activator('setHandler()');
  if (!def || !['signal', 'query', 'update'].includes(def.type) || typeof def.name !== 'string') {
    throw new TypeError('setHandler(def, handler): def must come from defineSignal(), defineQuery() or defineUpdate()');
  }
  if (handler !== undefined && typeof handler !== 'function') throw new TypeError(`setHandler('${def.name}', handler): handler must be a function`);
  if (def.type === 'update') {
    if (handler === undefined) a.updateHandlers.delete(def.name);
    else a.updateHandlers.set(def.name, { handler: handler as (...args: unknown[]) => unknown, validator: (options as UpdateHandlerOptions<unknown[]> | undefined)?.validator });
    return;
  }
  const map = def.type === 'signal' ? a.signalHandlers : a.queryHandlers;
  if (handler === undefined) {
    map.delete(def.name);
    return;
  }
  map.set(def.name, handler as (...args: unknown[]) => unknown);
  if (def.type === 'signal') a.flushBufferedSignals();
}

/** Receives every signal that has no handler of its own (and those already buffered). */
export function setDefaultSignalHandler(handler: ((signalName: string, ...args: unknown[]) => void | Promise<void>) | undefined): void {
  const a = activator('setDefaultSignalHandler()');
  a.defaultSignalHandler = handler;
  if (handler) a.flushBufferedSignals();
}

/** True when no signal or update handler is still running (await it before the workflow returns). */
export function allHandlersFinished(): boolean {
  return activator('allHandlersFinished()').runningHandlers === 0;
}
