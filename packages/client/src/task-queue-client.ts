import type { DescribeTaskQueueResponse, EngineApi } from '@endure/protocol';
import { UnsupportedOperationError } from '@endure/common';
import { serviceCall } from './service-call.js';

const NO_VERSIONING = 'Endure has no worker versioning (build ids); branch in the workflow with patched()';

/** Task queue inspection: which workers poll a queue and how much work waits in it. */
export class TaskQueueClient {
  constructor(
    private readonly engine: EngineApi,
    private readonly namespace: string,
  ) {}

  /** Pollers seen recently (workflow and activity side) and the number of tasks waiting. */
  async describe(taskQueue: string): Promise<DescribeTaskQueueResponse> {
    if (typeof taskQueue !== 'string' || !taskQueue) throw new TypeError('taskQueue.describe: pass the task queue name');
    return serviceCall(() => this.engine.describeTaskQueue({ namespace: this.namespace, taskQueue }));
  }

  /** Not supported (worker versioning). */
  updateBuildIdCompatibility(_taskQueue: string, _operation: unknown): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('client.taskQueue.updateBuildIdCompatibility', NO_VERSIONING));
  }

  /** Not supported (worker versioning). */
  getBuildIdCompatability(_taskQueue: string): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('client.taskQueue.getBuildIdCompatability', NO_VERSIONING));
  }

  /** Not supported (worker versioning). */
  getReachability(_options: unknown): Promise<never> {
    return Promise.reject(new UnsupportedOperationError('client.taskQueue.getReachability', NO_VERSIONING));
  }
}
