import type { WorkerOptions } from './worker.js';

/** Checks Worker.create options up front, naming the option and the fix. */
export function validateWorkerOptions(o: WorkerOptions): void {
  if (!o || typeof o !== 'object') throw new TypeError('Worker.create(options): options are required');
  if (typeof o.taskQueue !== 'string' || o.taskQueue === '') {
    throw new TypeError('Worker.create: taskQueue is required (the queue your client starts workflows on)');
  }
  if (!o.workflowsPath && !o.workflowBundle && (!o.activities || Object.keys(o.activities).length === 0)) {
    throw new TypeError('Worker.create: give workflowsPath (or workflowBundle) for workflows, activities, or both');
  }
  if (o.workflowsPath && o.workflowBundle) throw new TypeError('Worker.create: give either workflowsPath or workflowBundle, not both');
  if (o.activities) {
    for (const [name, fn] of Object.entries(o.activities)) {
      if (typeof fn !== 'function') throw new TypeError(`Worker.create: activities.${name} is ${typeof fn}, not a function`);
    }
  }
  for (const k of ['maxCachedWorkflows', 'maxConcurrentActivityTaskExecutions', 'maxConcurrentWorkflowTaskExecutions'] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new TypeError(`Worker.create: ${k} must be a non-negative integer, got ${v}`);
  }
  for (const k of ['maxConcurrentActivityTaskPolls', 'maxConcurrentWorkflowTaskPolls'] as const) {
    const polls = o[k];
    if (polls !== undefined && (!Number.isInteger(polls) || polls < 1)) throw new TypeError(`Worker.create: ${k} must be a whole number of at least 1, got ${polls}`);
  }
}
