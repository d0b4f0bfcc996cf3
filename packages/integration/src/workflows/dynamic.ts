// Temporal's dynamic workflows and default handlers: the module's default export receives the
// workflow types that have no function of their own; default query and update handlers receive
// the names that have no handler of their own.
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setDefaultQueryHandler,
  setDefaultUpdateHandler,
  setHandler,
  workflowInfo,
} from '@endure/workflow';

type Untyped = Record<string, (...args: unknown[]) => Promise<unknown>>;
const acts = proxyActivities<Untyped>({ startToCloseTimeout: '5s', retry: { maximumAttempts: 1 } });
const locals = proxyLocalActivities<Untyped>({ startToCloseTimeout: '5s', retry: { maximumAttempts: 1 } });

/** A workflow with a function of its own: the default export does not receive it. */
export async function named(x: string): Promise<string> {
  return `named:${x}`;
}

export const finish = defineSignal('finish');
export const count = defineQuery<number>('count');

/** Any other type: calls activities no worker registers by name (a dynamic activity runs them), then serves queries and updates until finished. */
export default async function dynamicWorkflow(...args: unknown[]): Promise<unknown> {
  const { workflowType } = workflowInfo();
  // Handlers first (an update may come with the first task); then the activities.
  const updates: string[] = [];
  let done = false;
  setHandler(count, () => updates.length);
  setHandler(finish, () => void (done = true));
  setHandler(defineUpdate<string, [string]>('named'), (x) => `named update ${x}`);
  setDefaultQueryHandler((name, ...qargs) => ({ query: name, args: qargs, updates }));
  setDefaultUpdateHandler((name, ...uargs) => {
    updates.push(name);
    return { update: name, args: uargs };
  });
  const remote = await acts[`remote_${workflowType}`]!(...args);
  const local = await locals[`local_${workflowType}`]!(...args);
  await condition(() => done);
  return { workflowType, args, remote, local, updates };
}
