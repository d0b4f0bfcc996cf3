// Constants, ids and expected values shared by the messages crash test (test/crash-messages.test.ts),
// its workflows, activities and child process. Pure code: it is also bundled into the workflow
// sandbox.
//
// Three kinds of workflow, each needing several messages from outside to finish:
//   cart-<n>     addItem × ITEMS signals (each priced by an activity), then a checkout signal;
//                completes with the priced items and a total.
//   stepper-<n>  STEPS updates `addStep(k)` with ids stepper-<n>/step-<k>; each handler runs an
//                activity and a durable sleep, so it is accepted in one workflow task and completed
//                in a later one. Completes once every step is in.
//   booking-<n>  reserve × SEATS signals, then holds the seats (activity) and waits; the client
//                cancels it; its cleanup (a durable sleep and a release activity) runs in a
//                non-cancellable scope, then the run ends CANCELED.
import type { RunnerLogLine } from '../common/log-lines.js';

export const TASK_QUEUE = 'crash-messages';
/** Prefix of the lines the child prints on stdout for the test to read. */
export const PROTOCOL_PREFIX = '@@msgs ';

export const KINDS = ['cart', 'stepper', 'booking'] as const;
export type Kind = (typeof KINDS)[number];
/** Workflows per kind. */
export const PER_KIND = 24;
/**
 * The child drives each kind's workflows in CHAINS chains: chain c drives c, c + CHAINS, … one
 * after the other. So at any moment about CHAINS workflows of each kind are mid-protocol, and
 * the work lasts longer than all the kills.
 */
export const CHAINS = 3;

export const ITEMS = 4;
export const STEPS = 3;
export const SEATS = 2;
/** Durable sleeps inside the update handler and inside the cancellation cleanup. */
export const STEP_SLEEP_MS = 100;
export const RELEASE_SLEEP_MS = 300;

export function workflowId(kind: Kind, n: number): string {
  return `${kind}-${n}`;
}

export function allWorkflowIds(): { kind: Kind; n: number; id: string }[] {
  return KINDS.flatMap((kind) => Array.from({ length: PER_KIND }, (_, n) => ({ kind, n, id: workflowId(kind, n) })));
}

// --- cart ---
export function itemName(n: number, k: number): string {
  return `c${n}-item${k}`;
}
export function price(item: string): number {
  let p = 0;
  for (const ch of item) p = (p * 31 + ch.charCodeAt(0)) % 97;
  return p + 1;
}
export function pricedItem(item: string): string {
  return `${item}=${price(item)}`;
}
export function cartTotal(n: number, priced: readonly string[]): string {
  const sum = priced.reduce((s, p) => s + Number(p.slice(p.lastIndexOf('=') + 1)), 0);
  return `cart ${n} total ${sum}`;
}
export function expectedCartItems(n: number): string[] {
  return Array.from({ length: ITEMS }, (_, k) => itemName(n, k));
}
export function expectedCartResult(n: number): string {
  const priced = expectedCartItems(n).map(pricedItem);
  return `${workflowId('cart', n)}:${priced.join(',')}:${cartTotal(n, priced)}`;
}

// --- stepper ---
export function updateId(n: number, k: number): string {
  return `${workflowId('stepper', n)}/step-${k}`;
}
export function stepValue(n: number, k: number): string {
  return `s${k}:${n * 10 + k}`;
}
/** What the handler of step k returns: its value and how many steps were in after it (k + 1). */
export function expectedUpdateResult(n: number, k: number): string {
  return `${stepValue(n, k)}@${k + 1}`;
}
export function expectedStepperResult(n: number): string {
  return `${workflowId('stepper', n)}:${Array.from({ length: STEPS }, (_, k) => stepValue(n, k)).join(',')}`;
}

// --- booking ---
export function seatName(n: number, k: number): string {
  return `b${n}-seat${k}`;
}
export function expectedSeats(n: number): string[] {
  return Array.from({ length: SEATS }, (_, k) => seatName(n, k));
}
export function holdName(n: number, seats: readonly string[]): string {
  return `hold-${n}:${seats.join('+')}`;
}
export function releasedName(hold: string): string {
  return `released ${hold}`;
}
export type BookingPhase = 'reserving' | 'holding' | 'held' | 'releasing' | 'released';
export interface BookingState {
  seats: string[];
  phase: BookingPhase;
  hold?: string;
  released?: string;
}
export function expectedFinalBookingState(n: number): BookingState {
  const seats = expectedSeats(n);
  const hold = holdName(n, seats);
  return { seats, phase: 'released', hold, released: releasedName(hold) };
}

/**
 * How long the driver waits before sending message `k` of workflow `id` while being killed (the
 * final child sends at once): 100–280 ms, so the messages of the workflows drift apart.
 */
export function gapMs(n: number, k: number): number {
  return 100 + ((n * 37 + k * 11) % 7) * 30;
}

/** How long each activity works while being killed; the final child runs them 10× faster. */
export const ACTIVITY_MS = { priceItem: 150, chargeCart: 100, applyStep: 300, holdSeats: 200, releaseSeats: 400 } as const;

/** One line of the log the children and the activities append to (appendFileSync: survives SIGKILL). */
export type LogLine =
  | RunnerLogLine
  /** A signal the engine acknowledged (it is durable). `index`: its position among the workflow's signals of that name. */
  | { kind: 'signal'; workflowId: string; name: string; arg: string | null; index: number; pid: number; time: number }
  /** startUpdate returned: the update was accepted (durably). */
  | { kind: 'update-accepted'; workflowId: string; updateId: string; pid: number; time: number }
  /** The driver found the update accepted in history (by an earlier process) and waits for its result by id. */
  | { kind: 'update-resumed'; workflowId: string; updateId: string; pid: number; time: number }
  | { kind: 'update-result'; workflowId: string; updateId: string; result: unknown; resumed: boolean; pid: number; time: number }
  /** The cancel request was acknowledged; `resend` when history already had one. */
  | { kind: 'cancel'; workflowId: string; resend: boolean; pid: number; time: number }
  | { kind: 'closed'; workflowId: string; pid: number; time: number };
