import type { WorkflowReplayer } from '@endure/core';

/** Running workflows kept in memory between tasks (sticky cache), least recently used evicted first. */
export class WorkflowCache {
  private map = new Map<string, WorkflowReplayer>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  take(runId: string): WorkflowReplayer | undefined {
    const r = this.map.get(runId);
    if (r) this.map.delete(runId);
    return r;
  }

  put(runId: string, r: WorkflowReplayer): void {
    if (this.max <= 0) return;
    this.map.delete(runId);
    this.map.set(runId, r);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  evict(runId: string): void {
    this.map.delete(runId);
  }

  clear(): void {
    this.map.clear();
  }
}
