// Human approval: wait up to 24 hours for a decision signal; no decision means rejection.
import { condition, defineQuery, defineSignal, setHandler } from '@endure/workflow';

export const decide = defineSignal<[{ approved: boolean; by: string }]>('decide');
export const status = defineQuery<string>('status');

export async function approval(request: string): Promise<string> {
  let decision: { approved: boolean; by: string } | undefined;
  setHandler(decide, (d) => void (decision ??= d));
  setHandler(status, () => (decision ? `decided by ${decision.by}` : `waiting for a decision on ${request}`));
  if (!(await condition(() => decision !== undefined, '24 hours'))) return `rejected: no decision on ${request} within 24 hours`;
  return `${decision!.approved ? 'approved' : 'rejected'} by ${decision!.by}`;
}
