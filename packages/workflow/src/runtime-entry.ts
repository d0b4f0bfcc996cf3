// Evaluated once per sandbox realm (bundled to a script by the worker). It installs the
// deterministic globals and hands the worker a small control surface for activations.
import type { Job, Payload } from '@endure/protocol';
import * as api from './index.js';
import * as common from '@endure/common';
import { Activator, type HostHooks } from './activator.js';
import { setCurrent } from './current.js';
import { installDeterministicGlobals } from './sandbox-globals.js';
import { setScopeStorage } from './cancellation-scope.js';

type WorkflowBundleFactory = (module: { exports: Record<string, unknown> }, exports: Record<string, unknown>, require: (id: string) => unknown) => void;

type Host = HostHooks & { AsyncLocalStorage?: new () => { run<R>(s: unknown, fn: () => R): R; getStore(): unknown } };
const g = globalThis as typeof globalThis & { __endure_host: Host; __endure_runtime?: unknown };
const host = g.__endure_host;
delete (g as { __endure_host?: Host }).__endure_host;
// Cancellation scopes follow async code through the host's AsyncLocalStorage.
if (host.AsyncLocalStorage) setScopeStorage(new host.AsyncLocalStorage() as Parameters<typeof setScopeStorage>[0]);
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
  /** Answers a query against the run's current state (JSON in, JSON out). */
  query(a: Activator, queryType: string, argsJson: string): string {
    setCurrent(a);
    try {
      return JSON.stringify(a.query(queryType, JSON.parse(argsJson) as Payload[]));
    } finally {
      setCurrent(undefined);
    }
  },
  /** Resolves conditions that now hold ("again": let them run, then ask again), else the result. */
  conclude(a: Activator): string {
    setCurrent(a);
    if (a.checkConditions()) return 'again';
    setCurrent(undefined);
    return JSON.stringify(a.takeResult());
  },
};
