import { setTimeout as delay } from 'node:timers/promises';

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

/** Takes `ms` of real time. */
export async function slow(ms: number): Promise<string> {
  await delay(ms);
  return 'done';
}

/** Replaced in the time-skipping test by one that calls env.sleep. */
export async function longRunning(): Promise<void> {}
