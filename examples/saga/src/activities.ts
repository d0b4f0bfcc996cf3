import { ApplicationFailure } from '@endure/activity';

/** Trip bookings; `log` records every booking and cancellation, in order. */
export function makeBookingActivities(failOn?: 'flight' | 'hotel' | 'car') {
  const log: string[] = [];
  const book = (what: 'flight' | 'hotel' | 'car') => async (trip: string): Promise<string> => {
    if (failOn === what) throw ApplicationFailure.nonRetryable(`no ${what} available for ${trip}`, 'SoldOut');
    log.push(`book ${what}`);
    return `${what}-${trip}`;
  };
  const cancel = (what: string) => async (reservation: string): Promise<void> => {
    log.push(`cancel ${what} ${reservation}`);
  };
  return {
    log,
    activities: {
      bookFlight: book('flight'),
      bookHotel: book('hotel'),
      bookCar: book('car'),
      cancelFlight: cancel('flight'),
      cancelHotel: cancel('hotel'),
      cancelCar: cancel('car'),
    },
  };
}

export type BookingActivities = ReturnType<typeof makeBookingActivities>['activities'];
