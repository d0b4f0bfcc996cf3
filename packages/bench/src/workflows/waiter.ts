import { sleep } from '@endure/workflow';

/** Waits `ms` (the memory scenario uses an hour, so the workflow stays cached and idle). */
export async function waiter(ms: number): Promise<void> {
  await sleep(ms);
}
