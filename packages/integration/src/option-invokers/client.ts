// Invokers for @endure/client's options tables: each makes the real call that takes the options.
import { AsyncCompletionClient, Client, WithStartWorkflowOperation, WorkflowClient, type ClientOptions } from '@endure/client';
import { uid } from '../harness.js';
import type { OptionInvokers } from './types.js';

const taskQueue = 'option-probes';
/** Options objects built from a probe are not of the declared type on purpose. */
type Loose<T> = T & Record<string, unknown>;

const drain = async (items: AsyncIterable<unknown>) => {
  for await (const _ of items) break;
};

const startOperation = () => new WithStartWorkflowOperation('noSuchWorkflow', { taskQueue, workflowId: uid('probe'), workflowIdConflictPolicy: 'FAIL' });

export const clientInvokers: OptionInvokers = {
  ClientOptions: async (env, extra) => new Client({ connection: env.connection, ...extra } as Loose<ClientOptions>),
  'ClientOptions.workflow': async (env, extra) => new Client({ connection: env.connection, workflow: extra }),
  WorkflowClientOptions: async (env, extra) => new WorkflowClient({ connection: env.connection, ...extra }),
  AsyncCompletionClientOptions: async (env, extra) => new AsyncCompletionClient({ connection: env.connection, ...extra }),
  DataConverter: async (env, extra) => new Client({ connection: env.connection, dataConverter: extra }),
  WorkflowOptions: (env, extra) => env.client.workflow.start('noSuchWorkflow', { taskQueue, workflowId: uid('probe'), ...extra }),
  WorkflowSignalWithStartOptions: (env, extra) => env.client.workflow.signalWithStart('noSuchWorkflow', { taskQueue, workflowId: uid('probe'), signal: 'probe', ...extra }),
  WorkflowResultOptions: (env, extra) => env.client.workflow.result(uid('probe'), undefined, extra),
  GetWorkflowHandleOptions: async (env, extra) => env.client.workflow.getHandle(uid('probe'), undefined, extra).describe(),
  WorkflowUpdateOptions: (env, extra) => env.client.workflow.getHandle(uid('probe')).executeUpdate('probe', extra),
  WorkflowStartUpdateOptions: (env, extra) => env.client.workflow.getHandle(uid('probe')).startUpdate('probe', { waitForStage: 'ACCEPTED', ...extra }),
  UpdateWithStartOptions: (env, extra) => env.client.workflow.executeUpdateWithStart('probe', { startWorkflowOperation: startOperation(), ...extra }),
  StartUpdateWithStartOptions: (env, extra) => env.client.workflow.startUpdateWithStart('probe', { startWorkflowOperation: startOperation(), waitForStage: 'ACCEPTED', ...extra }),
  ListOptions: async (env, extra) => drain(env.client.workflow.list({ query: `WorkflowId = '${uid('probe')}'`, ...extra })),
  IntoHistoriesOptions: async (env, extra) => drain(env.client.workflow.list({ query: `WorkflowId = '${uid('probe')}'` }).intoHistories(extra)),
  FullActivityId: (env, extra) => env.client.activity.complete({ workflowId: uid('probe'), activityId: '1', ...extra }, 'probe'),
};
