// The names of a run's durable timers (the storage port's `TimerRow.timerId`). Databases hold
// these strings, so each kind's text is fixed for good: a new kind gets a new name, never a new
// spelling of an old one. Everything else in the engine handles the typed `TimerId`.
import { StoredDataCorruptError } from '@endure/storage';

/** An activity's durable deadlines (its attempt deadlines, start-to-close and heartbeat, live in memory). */
export type ActivityDeadline = 'scheduleToClose' | 'scheduleToStart';

/** An effect on another run, owed by the run whose timer it is (effects.ts). */
export type Effect =
  | { kind: 'childStart'; seq: number }
  | { kind: 'notifyParent' }
  | { kind: 'closeChild'; seq: number }
  | { kind: 'external'; seq: number };

export type TimerId =
  | { kind: 'userTimer'; seq: number }
  | { kind: 'activityDeadline'; seq: number; deadline: ActivityDeadline }
  | { kind: 'runTimeout' }
  | { kind: 'executionTimeout' }
  /** Offers a delayed run's first workflow task (delayed-start.ts). */
  | { kind: 'delayedStart' }
  | { kind: 'effect'; effect: Effect };

/** A stored timer id that is none of the kinds above: written by a newer release, or damaged. */
export class UnknownTimerIdError extends StoredDataCorruptError {
  override name = 'UnknownTimerIdError';
  constructor(
    readonly timerId: string,
    where: string,
  ) {
    super(`${where} has a timer '${timerId}' that this release of Endure does not know: the database was written by a newer release (upgrade Endure) or is damaged (restore it from a backup)`);
  }
}

export function formatTimerId(id: TimerId): string {
  switch (id.kind) {
    case 'userTimer':
      return `timer:${id.seq}`;
    case 'activityDeadline':
      return `${id.deadline === 'scheduleToClose' ? 'activity-s2c' : 'activity-s2s'}:${id.seq}`;
    case 'runTimeout':
      return 'run-timeout';
    case 'executionTimeout':
      return 'execution-timeout';
    case 'delayedStart':
      return 'delayed-start';
    case 'effect':
      return formatEffect(id.effect);
    default: {
      const unknown: never = id;
      throw new Error(`internal: a timer id of unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

function formatEffect(e: Effect): string {
  switch (e.kind) {
    case 'childStart':
      return `fx:child-start:${e.seq}`;
    case 'notifyParent':
      return 'fx:notify-parent';
    case 'closeChild':
      return `fx:close-child:${e.seq}`;
    case 'external':
      return `fx:external:${e.seq}`;
    default: {
      const unknown: never = e;
      throw new Error(`internal: an effect of unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

const FIXED: Readonly<Record<string, () => TimerId>> = {
  'run-timeout': () => ({ kind: 'runTimeout' }),
  'execution-timeout': () => ({ kind: 'executionTimeout' }),
  'delayed-start': () => ({ kind: 'delayedStart' }),
  'fx:notify-parent': () => ({ kind: 'effect', effect: { kind: 'notifyParent' } }),
};

const WITH_SEQ: Readonly<Record<string, (seq: number) => TimerId>> = {
  timer: (seq) => ({ kind: 'userTimer', seq }),
  'activity-s2c': (seq) => ({ kind: 'activityDeadline', seq, deadline: 'scheduleToClose' }),
  'activity-s2s': (seq) => ({ kind: 'activityDeadline', seq, deadline: 'scheduleToStart' }),
  'fx:child-start': (seq) => ({ kind: 'effect', effect: { kind: 'childStart', seq } }),
  'fx:close-child': (seq) => ({ kind: 'effect', effect: { kind: 'closeChild', seq } }),
  'fx:external': (seq) => ({ kind: 'effect', effect: { kind: 'external', seq } }),
};

/** A command's seq as the ids write it: a decimal integer without leading zeros. */
export const SEQ = /^(0|[1-9][0-9]{0,14})$/;

/** Reads a stored timer id; `where` names its run for the error an unknown id gets. */
export function parseTimerId(text: string, where = 'a run'): TimerId {
  const fixed = Object.hasOwn(FIXED, text) ? FIXED[text] : undefined;
  if (fixed) return fixed();
  const colon = text.lastIndexOf(':');
  const prefix = text.slice(0, colon);
  const seqText = text.slice(colon + 1);
  const make = colon > 0 && Object.hasOwn(WITH_SEQ, prefix) ? WITH_SEQ[prefix] : undefined;
  if (make && SEQ.test(seqText)) return make(Number(seqText));
  throw new UnknownTimerIdError(text, where);
}
