import type { DescribeTaskQueueResponse, EngineApi } from '@endure/protocol';
import { serviceCall } from './service-call.js';

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
}
