// Workflows of the messages crash test (see shared.ts for the protocol each one follows).
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@endure/workflow';
import type { MessageActivities } from './activities.js';
import { ITEMS, RELEASE_SLEEP_MS, SEATS, STEPS, STEP_SLEEP_MS, type BookingState } from './shared.js';

const { priceItem, chargeCart, applyStep, holdSeats, releaseSeats } = proxyActivities<MessageActivities>({
  startToCloseTimeout: '30 seconds',
  // None of them fails: an attempt > 1 in history would be a crash counted as a failure.
  retry: { maximumAttempts: 3 },
});

export const addItem = defineSignal<[string]>('addItem');
export const checkout = defineSignal('checkout');
export const cartState = defineQuery<{ items: string[]; priced: string[]; checkedOut: boolean }>('cartState');

/** Items arrive by signal and are priced one by one (an activity each); checkout ends it. */
export async function cart(n: number): Promise<string> {
  const items: string[] = [];
  const priced: string[] = [];
  let checkedOut = false;
  setHandler(addItem, (item) => void items.push(item));
  setHandler(checkout, () => void (checkedOut = true));
  setHandler(cartState, () => ({ items: [...items], priced: [...priced], checkedOut }));
  for (;;) {
    await condition(() => priced.length < items.length || checkedOut);
    if (priced.length < items.length) priced.push(await priceItem(items[priced.length]!));
    else break;
  }
  if (items.length !== ITEMS) throw new Error(`cart ${n} checked out with ${items.length} items, expected ${ITEMS}`);
  const total = await chargeCart(n, [...priced]);
  return `${workflowInfo().workflowId}:${priced.join(',')}:${total}`;
}

export const addStep = defineUpdate<string, [number]>('addStep');
export const stepperState = defineQuery<string[]>('stepperState');

/** Steps arrive by update; each handler runs an activity and sleeps before it answers. */
export async function stepper(n: number): Promise<string> {
  const steps: string[] = [];
  setHandler(
    addStep,
    async (k) => {
      const value = await applyStep(n, k);
      await sleep(STEP_SLEEP_MS);
      steps.push(value);
      return `${value}@${steps.length}`;
    },
    {
      validator: (k) => {
        if (!Number.isInteger(k) || k < 0 || k >= STEPS) throw new Error(`no step ${k}`);
      },
    },
  );
  setHandler(stepperState, () => [...steps]);
  await condition(() => steps.length >= STEPS && allHandlersFinished());
  return `${workflowInfo().workflowId}:${steps.join(',')}`;
}

export const reserve = defineSignal<[string]>('reserve');
export const bookingState = defineQuery<BookingState>('bookingState');

/** Seats arrive by signal; the booking holds them, then waits to be cancelled and releases them. */
export async function booking(n: number): Promise<string> {
  const state: BookingState = { seats: [], phase: 'reserving' };
  setHandler(reserve, (seat) => void state.seats.push(seat));
  setHandler(bookingState, () => ({ ...state, seats: [...state.seats] }));
  await condition(() => state.seats.length >= SEATS);
  state.phase = 'holding';
  state.hold = await holdSeats(n, [...state.seats]);
  state.phase = 'held';
  try {
    await CancellationScope.cancellable(() => condition(() => false));
    throw new Error('unreachable: the wait only ends by cancellation');
  } catch (err) {
    if (!isCancellation(err)) throw err;
    state.phase = 'releasing';
    const hold = state.hold;
    state.released = await CancellationScope.nonCancellable(async () => {
      await sleep(RELEASE_SLEEP_MS);
      return releaseSeats(n, hold);
    });
    state.phase = 'released';
    throw err;
  }
}
