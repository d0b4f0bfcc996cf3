// A saga: each booking registers its compensation; if a later step fails, the compensations
// run in reverse order, in a non-cancellable scope so a cancellation cannot cut them short.
import { CancellationScope, proxyActivities } from '@endure/workflow';
import type { BookingActivities } from './activities.js';

const a = proxyActivities<BookingActivities>({ startToCloseTimeout: '10 seconds', retry: { initialInterval: '100ms', maximumAttempts: 3 } });

export async function bookTrip(trip: string): Promise<string[]> {
  const compensations: (() => Promise<void>)[] = [];
  try {
    const flight = await a.bookFlight(trip);
    compensations.unshift(() => a.cancelFlight(flight));
    const hotel = await a.bookHotel(trip);
    compensations.unshift(() => a.cancelHotel(hotel));
    const car = await a.bookCar(trip);
    compensations.unshift(() => a.cancelCar(car));
    return [flight, hotel, car];
  } catch (err) {
    await CancellationScope.nonCancellable(async () => {
      for (const compensate of compensations) await compensate();
    });
    throw err;
  }
}
