// Timer and task ids are stored in databases: each kind keeps its exact text, and what is not an
// id of a known kind is refused by name, never read as something else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoredDataCorruptError } from '@endure/storage';
import { formatTimerId, parseTimerId, UnknownTimerIdError, type Effect, type TimerId } from '../src/timer-ids.js';
import { formatTaskId, parseTaskId, UnknownTaskIdError, type TaskId } from '../src/task-ids.js';

/** Every kind with the text databases hold for it (a new kind does not compile until it is listed). */
const TIMERS: { [K in TimerId['kind']]: [Extract<TimerId, { kind: K }>, string][] } = {
  userTimer: [[{ kind: 'userTimer', seq: 0 }, 'timer:0'], [{ kind: 'userTimer', seq: 17 }, 'timer:17']],
  activityDeadline: [
    [{ kind: 'activityDeadline', seq: 3, deadline: 'scheduleToClose' }, 'activity-s2c:3'],
    [{ kind: 'activityDeadline', seq: 3, deadline: 'scheduleToStart' }, 'activity-s2s:3'],
  ],
  runTimeout: [[{ kind: 'runTimeout' }, 'run-timeout']],
  executionTimeout: [[{ kind: 'executionTimeout' }, 'execution-timeout']],
  delayedStart: [[{ kind: 'delayedStart' }, 'delayed-start']],
  effect: [],
};
const EFFECTS: { [K in Effect['kind']]: [Extract<Effect, { kind: K }>, string] } = {
  childStart: [{ kind: 'childStart', seq: 2 }, 'fx:child-start:2'],
  notifyParent: [{ kind: 'notifyParent' }, 'fx:notify-parent'],
  closeChild: [{ kind: 'closeChild', seq: 5 }, 'fx:close-child:5'],
  external: [{ kind: 'external', seq: 12345 }, 'fx:external:12345'],
};
TIMERS.effect = Object.values(EFFECTS).map(([effect, text]) => [{ kind: 'effect', effect }, text]);

const TASKS: { [K in TaskId['kind']]: [Extract<TaskId, { kind: K }>, string][] } = {
  workflowTask: [[{ kind: 'workflowTask' }, 'wft']],
  activity: [[{ kind: 'activity', seq: 1 }, 'activity:1'], [{ kind: 'activity', seq: 40 }, 'activity:40']],
  query: [[{ kind: 'query', queryId: 'a:b-c' }, 'query:a:b-c']],
};

describe('timer ids', () => {
  it('each kind has its stored text, and reads back as itself', () => {
    for (const [id, text] of Object.values(TIMERS).flat()) {
      assert.equal(formatTimerId(id), text);
      assert.deepEqual(parseTimerId(text), id);
    }
  });

  it('refuses what is no timer id, naming it and the run, as stored-data damage', () => {
    const garbage = ['', 'timer', 'timer:', 'timer:x', 'timer:-1', 'timer:1.5', 'timer:01', 'timer:1 ', 'Timer:1', 'activity-s2x:1', 'activity:1', 'fx:', 'fx:child-start', 'fx:child-start:', 'fx:notify-parent:1', 'fx:teleport:1', 'run-timeout:1', 'delayed-start ', 'constructor', '__proto__', 'toString:1', 'timer:1:2', 'timer:1234567890123456'];
    for (const text of garbage) {
      assert.throws(
        () => parseTimerId(text, 'workflow w run r in namespace default'),
        (e: unknown) => e instanceof UnknownTimerIdError && e instanceof StoredDataCorruptError && e.timerId === text && e.message.includes(`timer '${text}'`) && e.message.includes('workflow w run r') && e.message.includes('upgrade Endure'),
        `'${text}' is refused`,
      );
    }
  });
});

describe('task ids', () => {
  it('each kind has its stored text, and reads back as itself', () => {
    for (const [id, text] of Object.values(TASKS).flat()) {
      assert.equal(formatTaskId(id), text);
      assert.deepEqual(parseTaskId(text), id);
    }
  });

  it('refuses what is no task id, naming it, as stored-data damage', () => {
    for (const text of ['', 'WFT', 'wft:1', 'activity:', 'activity:x', 'activity:07', 'query:', 'timer:1']) {
      assert.throws(() => parseTaskId(text, 'workflow w'), (e: unknown) => e instanceof UnknownTaskIdError && e instanceof StoredDataCorruptError && e.message.includes(`task '${text}'`), `'${text}' is refused`);
    }
  });
});
