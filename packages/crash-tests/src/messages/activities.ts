// Activities of the messages crash test. Each execution logs its start and end (see
// common/logged-activity.ts).
import { timedActivities } from '../common/logged-activity.js';
import { ACTIVITY_MS, cartTotal, holdName, pricedItem, releasedName, stepValue } from './shared.js';

/** The activities, logging to `logPath`; `speed` divides their working time. */
export function createActivities(logPath: string, speed: number) {
  return timedActivities(logPath, ACTIVITY_MS, speed, {
    priceItem: (item: string) => pricedItem(item),
    chargeCart: (n: number, priced: string[]) => cartTotal(n, priced),
    applyStep: (n: number, k: number) => stepValue(n, k),
    holdSeats: (n: number, seats: string[]) => holdName(n, seats),
    releaseSeats: (_n: number, hold: string) => releasedName(hold),
  });
}

export type MessageActivities = ReturnType<typeof createActivities>;
