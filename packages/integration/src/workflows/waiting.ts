// A workflow whose update handler waits for a signal (update-deadline.test.ts): its updates are
// accepted at once and complete only when released.
import { condition, defineSignal, defineUpdate, setHandler } from '@endure/workflow';

export const approve = defineUpdate<string, [string]>('approve');
export const release = defineSignal('release');

export async function approvals(): Promise<void> {
  let released = false;
  setHandler(release, () => void (released = true));
  setHandler(approve, async (who) => {
    await condition(() => released);
    return `approved by ${who}`;
  });
  await condition(() => false);
}
