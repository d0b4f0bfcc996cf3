import {
  condition,
  defineQuery,
  defineSignal,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@endure/workflow';
import type * as activities from './activities';

const { greet, remind } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });
// No activity function is called `translate`: the worker's dynamic activity answers it.
const { translate } = proxyActivities<{ translate(text: string, lang: string): Promise<string> }>({
  startToCloseTimeout: '1 minute',
});

export const approveSignal = defineSignal<[string]>('approve');
export const statusQuery = defineQuery<string>('status');

export async function onboarding(user: string, coolingOff: string | number = '1 day'): Promise<string> {
  let status = 'waiting for approval';
  let approvedBy: string | undefined;
  setHandler(approveSignal, (by) => {
    approvedBy = by;
  });
  setHandler(statusQuery, () => status);

  // The reminders outlive this workflow: ABANDON leaves the child running when the parent closes.
  const reminders = await startChild(reminderLoop, {
    args: [user],
    workflowId: `reminders-${user}`,
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });

  await condition(() => approvedBy !== undefined);
  status = 'approved';
  await sleep(coolingOff);
  const greeting = await greet(user);
  const translated = await translate(greeting, 'fr');
  return `${greeting} ${translated}; approved by ${approvedBy}; reminders in ${reminders.workflowId}`;
}

export async function reminderLoop(user: string): Promise<number> {
  let day = 0;
  while (day < 30) {
    await sleep('1 day');
    day++;
    await remind(user, day);
  }
  return day;
}

// Workflow types that have no function of their own run here (a dynamic workflow).
export default async function (...args: unknown[]): Promise<string> {
  return `${workflowInfo().workflowType} ran dynamically with ${JSON.stringify(args)}`;
}
