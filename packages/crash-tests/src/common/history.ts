// Reading workflow histories: for the runner processes that follow them and for the tests that
// check them.
import { CLOSE_EVENT_TYPES, type EventOf as ProtocolEventOf, type HistoryEvent as ProtocolHistoryEvent } from '@endure/protocol';

export type HistoryEvent = ProtocolHistoryEvent;
export type EventOf<T extends HistoryEvent['type']> = ProtocolEventOf<T>;

/** The events that close a run. */
export const CLOSE_TYPES: ReadonlySet<string> = CLOSE_EVENT_TYPES;

export function isClosed(events: readonly HistoryEvent[]): boolean {
  const last = events[events.length - 1];
  return last !== undefined && CLOSE_TYPES.has(last.type);
}

/** Decodes a payload of the default (JSON) converter. */
export function decodePayload(p: { metadata: Record<string, string>; data: string } | undefined): unknown {
  if (!p || p.metadata['encoding'] !== 'json/plain') return undefined;
  return JSON.parse(p.data) as unknown;
}

export function eventsOf<T extends HistoryEvent['type']>(events: readonly HistoryEvent[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

/** The first argument of each signal `name` in history, in order. */
export function signalArgs(events: readonly HistoryEvent[], name: string): unknown[] {
  return eventsOf(events, 'WorkflowExecutionSignaled')
    .filter((e) => e.attributes.signalName === name)
    .map((e) => decodePayload(e.attributes.input[0]));
}

/** The update events of `updateId`, by type. */
export function updateEvents(events: readonly HistoryEvent[], updateId: string) {
  return {
    accepted: eventsOf(events, 'WorkflowExecutionUpdateAccepted').filter((e) => e.attributes.updateId === updateId),
    completed: eventsOf(events, 'WorkflowExecutionUpdateCompleted').filter((e) => e.attributes.updateId === updateId),
  };
}
