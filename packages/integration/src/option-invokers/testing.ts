// Option invokers for @endure/testing's tables: each makes the real call (a test environment's
// constructor, MockActivityEnvironment) with minimal valid options plus the one option under
// test, and tears down whatever it made.
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@endure/testing';
import { SET, withEmbeddedEngine, type OptionInvoker } from './embedded.js';

async function andTeardown(env: Promise<TestWorkflowEnvironment>): Promise<void> {
  await (await env).teardown();
}

export const testingInvokers: Record<string, OptionInvoker> = {
  LocalTestWorkflowEnvironmentOptions: (option, value = SET) => andTeardown(TestWorkflowEnvironment.createLocal({ [option]: value })),
  DevServerConfig: (option, value = SET) => andTeardown(TestWorkflowEnvironment.createLocal({ server: { [option]: value } })),
  TimeSkippingTestWorkflowEnvironmentOptions: (option, value = SET) => andTeardown(TestWorkflowEnvironment.createTimeSkipping({ [option]: value })),
  TimeSkippingServerConfig: (option, value = SET) => andTeardown(TestWorkflowEnvironment.createTimeSkipping({ server: { [option]: value } })),
  ExistingServerTestWorkflowEnvironmentOptions: (option, value = SET) =>
    withEmbeddedEngine(({ address }) => andTeardown(TestWorkflowEnvironment.createFromExistingServer({ address, [option]: value }))),
  MockActivityEnvironmentOptions: async (option, value = SET) => new MockActivityEnvironment({}, { [option]: value }).run(async () => 'ran'),
};
