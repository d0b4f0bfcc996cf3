import vm from 'node:vm';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ActivationResult, Job, Payload, QueryResult } from '@endure/protocol';
import type { ActivationContext, WorkflowCode } from '@endure/core';
import type { WorkflowBundle } from './bundler.js';
import { runtimeScript } from './runtime-bundle.js';

export interface SandboxLogger {
  log(level: string, message: string, attrs: Record<string, unknown>): void;
}

export interface SandboxOptions {
  logger: SandboxLogger;
  /**
   * Longest an activation may run without yielding before it counts as a deadlock, enforced by
   * a vm watchdog (~0.1 ms per activation). 0 turns it off: workflow threads are guarded from
   * outside instead (see WorkflowThreads).
   */
  deadlockTimeoutMs?: number;
}

/** Promise prototypes of every sandbox realm, to recognise rejections raised in workflow code. */
const sandboxPromiseProtos = new WeakSet<object>();
let rejectionHookInstalled = false;

function installRejectionHook(logger: SandboxLogger): void {
  if (rejectionHookInstalled) return;
  rejectionHookInstalled = true;
  process.on('unhandledRejection', (reason, promise) => {
    if (!sandboxPromiseProtos.has(Object.getPrototypeOf(promise) as object)) throw reason;
    const msg = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    logger.log('WARN', `unhandled promise rejection in workflow code: ${msg}`, {});
  });
}

type Handle = object;

/**
 * One node:vm realm shared by all workflows of a worker: the runtime and the compiled bundle
 * exist once, and each run gets only its own module instances and state (a few KB), not a
 * V8 context of its own (about a megabyte).
 */
export class SandboxRealm {
  private readonly io: { a?: Handle; ctx?: ActivationContext; jobs?: string; bundle?: unknown; drive?: () => unknown; queryType?: string; args?: string };
  // A guarded call (with a deadlock timeout) costs a watchdog thread, ~0.1 ms. So an activation
  // makes exactly one: `drive` runs under the timeout and calls the control scripts unguarded
  // inside it; each still drains the realm's microtasks when it returns.
  private readonly scripts = {
    drive: new vm.Script('__endure_io.drive()'),
    create: new vm.Script('__endure_io.a = __endure_runtime.create(__endure_io.bundle)'),
    activate: new vm.Script('__endure_runtime.activate(__endure_io.a, __endure_io.ctx, __endure_io.jobs)'),
    conclude: new vm.Script('__endure_runtime.conclude(__endure_io.a)'),
    query: new vm.Script('__endure_runtime.query(__endure_io.a, __endure_io.queryType, __endure_io.args)'),
  };
  readonly deadlockTimeoutMs: number;

  private constructor(
    private readonly context: vm.Context,
    bundleFactory: unknown,
    opts: SandboxOptions,
  ) {
    this.deadlockTimeoutMs = opts.deadlockTimeoutMs ?? 2000;
    this.io = context['__endure_io'] as SandboxRealm['io'];
    this.io.bundle = bundleFactory;
  }

  static async create(bundle: WorkflowBundle, opts: SandboxOptions & { runtimeCode?: string }): Promise<SandboxRealm> {
    installRejectionHook(opts.logger);
    // AsyncLocalStorage lets cancellation scopes follow async workflow code. (It turns on
    // promise hooks, which is one more reason workflow code runs on its own thread.)
    const context = vm.createContext({ __endure_host: { log: opts.logger.log.bind(opts.logger), AsyncLocalStorage } }, {
      name: 'endure-workflows',
      microtaskMode: 'afterEvaluate',
      codeGeneration: { strings: false, wasm: false },
    });
    new vm.Script(opts.runtimeCode ?? (await runtimeScript()), { filename: 'endure-workflow-runtime.js' }).runInContext(context);
    vm.runInContext('globalThis.__endure_io = {}', context);
    sandboxPromiseProtos.add(vm.runInContext('Promise.prototype', context) as object);
    const factory: unknown = new vm.Script(`(function (module, exports, require) {\n${bundle.code}\n})`, {
      filename: 'workflow-bundle.js',
    }).runInContext(context);
    return new SandboxRealm(context, factory, opts);
  }

  /** A fresh run of workflow code; its modules are instantiated by its startWorkflow job. */
  instantiate(): SandboxedWorkflow {
    this.guarded(() => this.run(this.scripts.create));
    const handle = this.io.a!;
    this.io.a = undefined;
    return new SandboxedWorkflow(this, handle);
  }

  /** Runs a control script; the realm's microtasks (workflow continuations) drain before it returns. */
  private run(script: vm.Script): unknown {
    return script.runInContext(this.context);
  }

  /** Runs `fn` (which runs control scripts) under one deadlock watchdog. */
  private guarded<T>(fn: () => T): T {
    this.io.drive = fn;
    try {
      const opts = this.deadlockTimeoutMs > 0 ? { timeout: this.deadlockTimeoutMs } : undefined;
      return this.scripts.drive.runInContext(this.context, opts) as T;
    } finally {
      this.io.drive = undefined;
    }
  }

  activate(handle: Handle, jobs: Job[], ctx: ActivationContext): ActivationResult {
    const io = this.io;
    io.a = handle;
    try {
      io.ctx = ctx;
      io.jobs = JSON.stringify(jobs);
      return this.guarded(() => {
        this.run(this.scripts.activate);
        for (let i = 0; ; i++) {
          const out = this.run(this.scripts.conclude) as string;
          if (out !== 'again') return JSON.parse(out) as ActivationResult;
          if (i > 10_000) throw new Error('conditions kept becoming true 10,000 times in one activation (a condition loop?)');
        }
      });
    } catch (err) {
      // Errors may come from the sandbox realm, where `instanceof Error` is false: read fields.
      const e = (err !== null && typeof err === 'object' ? err : { message: String(err) }) as { message?: unknown; stack?: unknown; name?: unknown; code?: unknown };
      const timedOut = e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
      return {
        ok: false,
        failure: {
          message: timedOut
            ? `workflow code ran for over ${this.deadlockTimeoutMs} ms without yielding (an infinite loop, or heavy CPU work that belongs in an activity)`
            : String(e.message),
          stackTrace: typeof e.stack === 'string' ? e.stack : undefined,
          info: { type: 'application', errorType: timedOut ? 'DeadlockError' : String(e.name ?? 'Error'), nonRetryable: false },
        },
      };
    } finally {
      io.a = undefined;
      io.jobs = undefined;
    }
  }

  query(handle: Handle, queryType: string, args: Payload[]): QueryResult {
    const io = this.io;
    io.a = handle;
    io.queryType = queryType;
    io.args = JSON.stringify(args);
    try {
      return JSON.parse(this.guarded(() => this.run(this.scripts.query)) as string) as QueryResult;
    } catch (err) {
      const e = (err !== null && typeof err === 'object' ? err : { message: String(err) }) as { message?: unknown };
      return { ok: false, failure: { message: String(e.message) } };
    } finally {
      io.a = undefined;
    }
  }
}

/** One run's workflow code, activated through its realm. */
export class SandboxedWorkflow implements WorkflowCode {
  constructor(
    private readonly realm: SandboxRealm,
    private readonly handle: Handle,
  ) {}

  activate(jobs: Job[], ctx: ActivationContext): ActivationResult {
    return this.realm.activate(this.handle, jobs, ctx);
  }

  query(queryType: string, args: Payload[]): QueryResult {
    return this.realm.query(this.handle, queryType, args);
  }
}
