export { MockActivityEnvironment, defaultActivityInfo, type MockActivityEnvironmentOptions } from './mock-activity-environment.js';
export {
  TestWorkflowEnvironment,
  type ClientOptionsForTestEnv,
  type LocalTestWorkflowEnvironmentOptions,
  type TimeSkippingTestWorkflowEnvironmentOptions,
  type ExistingServerTestWorkflowEnvironmentOptions,
  type DevServerConfig,
  type TimeSkippingServerConfig,
} from './test-workflow-environment.js';
export type { SearchAttributeKey } from './options.js';
