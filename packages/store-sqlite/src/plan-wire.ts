// How requests cross to the store thread: one array of strings per post, the JSON of the requests
// first, then the long texts of their mutations (run state, properties, event JSON) as the caller encoded
// them. Inside the JSON those texts would be escaped on one side and unescaped on the other;
// beside it they are only copied.
import type { Plan } from './mutations.js';
import type { ToStore } from './store-thread-protocol.js';

/** The message for `items`; moves their texts out (it changes the plans, which are its own). */
export function packRequests(items: ToStore[]): string[] {
  const message = [''];
  for (const m of items) forEachPlan(m, (p) => moveOut(p, message));
  message[0] = JSON.stringify(items.length === 1 ? items[0] : ({ type: 'batch', items } satisfies ToStore));
  return message;
}

/** The request a message holds, with its plans' texts back in place. */
export function unpackRequests(message: string[]): ToStore {
  const m = JSON.parse(message[0]!) as ToStore;
  forEachPlan(m, (p) => moveIn(p, message));
  return m;
}

function forEachPlan(m: ToStore, f: (p: Plan) => void): void {
  if (m.type === 'batch') for (const item of m.items) forEachPlan(item, f);
  else if (m.type === 'mutate' && (m.plan.kind === 'create' || m.plan.kind === 'update')) {
    for (let p: Plan | undefined = m.plan; p; p = p.kind === 'update' ? p.next : undefined) f(p);
  }
}

// Texts in order: the state, the properties if the plan has them ('' stays behind to say so), the events.
function moveOut(p: Plan, message: string[]): void {
  p.textAt = message.length;
  message.push(p.row.state);
  p.row.state = '';
  if (p.properties !== undefined) {
    message.push(p.properties);
    p.properties = '';
  }
  for (const e of p.events) message.push(e);
  p.events = [];
}

function moveIn(p: Plan, message: string[]): void {
  let at = p.textAt!;
  p.row.state = message[at++]!;
  if (p.properties !== undefined) p.properties = message[at++]!;
  p.events = message.slice(at, at + p.eventCount);
  p.textAt = undefined;
}
