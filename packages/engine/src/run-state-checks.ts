// The shape of a stored run state, checked field by field (run-state-codec.ts). One table per
// object type, keyed by the type's own fields: a field added to RunState does not compile until
// it has a check here, and an optional field must have an optional check.
import type { ActivityState, ChildState, RunState, WorkflowTaskState } from './run-state.js';
import { SEQ } from './timer-ids.js';

/**
 * What is wrong with `v`, or undefined: the path below `v` then the problem (`.attempt is "2", not
 * an integer`), built only when there is one. `exact`: an unknown field is wrong; `dropUnknown`: it
 * is deleted.
 */
type Check = (v: unknown, mode: Mode) => string | undefined;
type Mode = 'exact' | 'dropUnknown';
type Optional = Check & { optional: true };
type Fields<T> = { [K in keyof T]-?: undefined extends T[K] ? Optional : Check };

const shown = (v: unknown) => (v === undefined ? 'missing' : JSON.stringify(v).slice(0, 40));
const expect = (ok: (v: unknown) => boolean, what: string): Check => (v) => (ok(v) ? undefined : ` is ${shown(v)}, not ${what}`);

const num = expect((v) => typeof v === 'number' && Number.isFinite(v), 'a number');
const int = expect((v) => Number.isSafeInteger(v), 'an integer');
const str = expect((v) => typeof v === 'string', 'a string');
const bool = expect((v) => typeof v === 'boolean', 'true or false');
const oneOf = (...values: string[]) => expect((v) => values.includes(v as string), `one of ${values.join(', ')}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Payloads, failures, retry policies and timeouts were validated when they came in: here only their kind is checked. */
const anObject = expect(isObject, 'an object');
const payloads: Check = (v, mode) => {
  if (!Array.isArray(v)) return ` is ${shown(v)}, not a list`;
  for (let i = 0; i < v.length; i++) {
    const problem = anObject(v[i], mode);
    if (problem) return `.${i}${problem}`;
  }
  return undefined;
};

function optional(check: Check): Optional {
  return Object.assign((v: unknown, mode: Mode) => (v === undefined ? undefined : check(v, mode)), { optional: true as const });
}

function object<T>(fields: Fields<T>): Check {
  const table = fields as Record<string, Check>;
  const names = Object.keys(table);
  return (v, mode) => {
    if (!isObject(v)) return ` is ${shown(v)}, not an object`;
    for (const name in v) {
      if (Object.hasOwn(table, name)) continue;
      if (mode === 'exact') return `.${name} is not a field of it`;
      delete v[name];
    }
    for (const name of names) {
      const problem = table[name]!(v[name], mode);
      if (problem) return `.${name}${problem}`;
    }
    return undefined;
  };
}

/** An object used as a map: every key an integer (a command's seq) or any string, every value checked. */
function map(check: Check, keys: 'seq' | 'any'): Check {
  return (v, mode) => {
    if (!isObject(v)) return ` is ${shown(v)}, not an object`;
    for (const k in v) {
      if (keys === 'seq' && !SEQ.test(k)) return ` has the key ${shown(k)}, not a number`;
      const problem = check(v[k], mode);
      if (problem) return `.${k}${problem}`;
    }
    return undefined;
  };
}

const wft = object<WorkflowTaskState>({
  status: oneOf('none', 'scheduled', 'backoff', 'delayed'),
  attempt: int,
  lastFailure: optional(anObject),
  nextAttemptTime: optional(num),
});

const activity = object<ActivityState>({
  seq: int,
  activityId: str,
  activityType: str,
  taskQueue: str,
  input: payloads,
  timeouts: anObject,
  retryPolicy: anObject,
  scheduledTime: num,
  attempt: int,
  currentAttemptScheduledTime: num,
  lastFailure: optional(anObject),
  heartbeatDetails: optional(payloads),
  cancelRequested: optional(bool),
});

const child = object<ChildState>({
  workflowId: str,
  workflowType: str,
  taskQueue: str,
  input: payloads,
  parentClosePolicy: oneOf('TERMINATE', 'REQUEST_CANCEL', 'ABANDON'),
  status: oneOf('initiated', 'started'),
  runId: optional(str),
  workflowExecutionTimeoutMs: optional(num),
  workflowRunTimeoutMs: optional(num),
  workflowTaskTimeoutMs: optional(num),
});

type ExternalRequest = NonNullable<RunState['externalRequests']>[string];
const externalRequest = object<ExternalRequest>({
  kind: oneOf('signal', 'cancel'),
  workflowId: str,
  runId: optional(str),
  signalName: optional(str),
  input: optional(payloads),
});

type UpdateState = NonNullable<RunState['updates']>[string];
const update = object<UpdateState>({
  stage: oneOf('ACCEPTED', 'COMPLETED'),
  // `{ result? } | { failure }`: which one is the workflow's to say; it is checked as an object.
  outcome: optional(anObject),
});

const runState = object<RunState>({
  workflowTaskTimeoutMs: num,
  lastSawUpTo: int,
  wft,
  activities: map(activity, 'seq'),
  timers: map(object<{ fireAt: number }>({ fireAt: num }), 'seq'),
  cancelRequested: bool,
  requestId: optional(str),
  requests: optional(map(num, 'any')),
  parent: optional(object<NonNullable<RunState['parent']>>({ namespace: str, workflowId: str, runId: str, seq: int })),
  children: optional(map(child, 'seq')),
  externalRequests: optional(map(externalRequest, 'seq')),
  updates: optional(map(update, 'any')),
  firstRunId: optional(str),
  executionExpirationTime: optional(num),
  workflowRunTimeoutMs: optional(num),
  cronSchedule: optional(str),
  executionTime: optional(num),
  delayedBy: optional(oneOf('cron', 'startDelay')),
});

/** What is wrong with a parsed state (its `v` removed), or undefined if it is a RunState. */
export function checkRunState(fields: Record<string, unknown>, mode: Mode): string | undefined {
  const problem = runState(fields, mode);
  return problem && `state${problem}`;
}
