// Option invokers for @endure/workflow's tables. Their options are checked inside the sandbox, so
// each call runs the `optionProbe` workflow (src/workflows/options.ts) on a real worker against an
// embedded engine: the probe makes the API call with the option, and a refusal fails the workflow
// task with the refusal's message. The invoker reads that failure from describe() and throws it as
// the UnsupportedOptionError it was, so the caller sees what the workflow's author would.
import { UnsupportedOptionError } from '@endure/common';
import { bundleWorkflowCode, type WorkflowBundle } from '@endure/worker';
import { workflowsPath } from '../harness.js';
import { SET, clientOf, probeWorker, withEmbeddedEngine, type OptionInvoker } from './embedded.js';

let bundle: Promise<WorkflowBundle> | undefined;
/** A probe that neither failed nor returned by then accepted its option (it waits on what the option started). */
const PROBE_LIMIT_MS = 10_000;
let probes = 0;

/** Runs optionProbe(type, option, value); resolves if the call accepted the option. */
function probe(type: string, option: string, value: unknown): Promise<void> {
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath('options') });
  return withEmbeddedEngine(async (e) => {
    const taskQueue = await probeWorker(e, await bundle!);
    const client = await clientOf(e);
    const h = await client.workflow.start('optionProbe', { taskQueue, workflowId: `probe-${++probes}-${type}-${option}`, args: [type, option, value] });
    const deadline = Date.now() + PROBE_LIMIT_MS;
    for (;;) {
      const d = await h.describe();
      if (d.status.name !== 'RUNNING') return; // accepted: the probe returned
      if (Date.now() > deadline) return void (await h.terminate()); // accepted, and still waiting on what it started
      const failure = d.pendingWorkflowTask?.lastFailure;
      if (failure) {
        await h.terminate();
        const errorType = failure.info?.type === 'application' ? failure.info.errorType : undefined;
        if (errorType === 'UnsupportedOptionError') throw new UnsupportedOptionError(`${type} (in workflow code)`, option, failure.message);
        throw new Error(`optionProbe(${type}, ${option}) failed its workflow task: ${failure.message}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  });
}

const TYPES = ['ActivityOptions', 'RetryPolicy', 'LocalActivityOptions', 'ChildWorkflowOptions', 'ContinueAsNewOptions', 'SignalHandlerOptions', 'QueryHandlerOptions', 'UpdateHandlerOptions', 'TimerOptions'];

export const workflowInvokers: Record<string, OptionInvoker> = Object.fromEntries(TYPES.map((type) => [type, (option: string, value: unknown = SET) => probe(type, option, value)]));
