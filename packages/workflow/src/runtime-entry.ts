// Evaluated once per sandbox realm (bundled to a script by the worker). It installs the
// deterministic globals and hands the worker a small control surface for activations.
import type { Job } from '@endure/protocol';
import * as api from './index.js';
import * as common from '@endure/common';
import { Activator, type HostHooks } from './activator.js';
import { setCurrent } from './current.js';
import { installDeterministicGlobals } from './sandbox-globals.js';

type WorkflowBundleFactory = (module: { exports: Record<string, unknown> }, exports: Record<string, unknown>, require: (id: string) => unknown) => void;

const g = globalThis as typeof globalThis & { __endure_host: HostHooks; __endure_runtime?: unknown };
const host = g.__endure_host;
delete (g as { __endure_host?: HostHooks }).__endure_host;
installDeterministicGlobals(g, (level, msg) => host.log(level, msg, {}));

const modules: Record<string, unknown> = { '@endure/workflow': api, '@endure/common': common };
function sandboxRequire(id: string): unknown {
  const m = modules[id];
  if (m === undefined) throw new Error(`module '${id}' is not available in the workflow sandbox`);
  return m;
}

g.__endure_runtime = {
  create(bundle: WorkflowBundleFactory): Activator {
    return new Activator(() => {
      const module = { exports: {} as Record<string, unknown> };
      bundle(module, module.exports, sandboxRequire);
      return module.exports;
    }, host);
  },
  /** Applies an activation's jobs in order; their continuations run when the script returns. */
  activate(a: Activator, ctx: { time: number; historyLength: number; replaying: boolean }, jobsJson: string): void {
    setCurrent(a);
    a.begin(ctx);
    for (const job of JSON.parse(jobsJson) as Job[]) a.applyJob(job);
  },
  /** Resolves conditions that now hold ("again": let them run, then ask again), else the result. */
  conclude(a: Activator): string {
    setCurrent(a);
    if (a.checkConditions()) return 'again';
    setCurrent(undefined);
    return JSON.stringify(a.takeResult());
  },
};
