import { activityInfo } from '@endure/activity';

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

/** Fails on its first two attempts, to show retries. */
export async function flakyShout(text: string): Promise<string> {
  if (activityInfo().attempt < 3) throw new Error(`the loudspeaker is warming up (attempt ${activityInfo().attempt})`);
  return text.toUpperCase();
}
