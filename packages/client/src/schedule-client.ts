import { UnsupportedOperationError } from '@endure/common';

const WHY = 'Endure has no schedules; start the workflow with cronSchedule (a cron chain: each run followed by the next at the schedule’s next time)';

/** Temporal's client.schedule: every method refuses, naming itself and the cron alternative. */
export class ScheduleClient {
  create(_options: unknown): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('client.schedule.create', WHY));
  }
  getHandle(_scheduleId: string): never {
    throw new UnsupportedOperationError('client.schedule.getHandle', WHY);
  }
  list(_options?: unknown): never {
    throw new UnsupportedOperationError('client.schedule.list', WHY);
  }
}
