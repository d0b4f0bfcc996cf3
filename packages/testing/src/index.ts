export { MockActivityEnvironment, defaultActivityInfo, type MockActivityEnvironmentOptions } from './mock-activity-environment.js';
export {
  TestWorkflowEnvironment,
  type ClientOptionsForTestEnv,
  type LocalTestWorkflowEnvironmentOptions,
  type TimeSkippingTestWorkflowEnvironmentOptions,
} from './test-workflow-environment.js';
