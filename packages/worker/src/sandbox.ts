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
  // No vm timeout here: a vm watchdog costs a thread per call, and firing inside the realm's
  // microtasks next to AsyncLocalStorage aborts Node (#38503). Realms live on workflow threads,
  // which WorkflowThreads watches from outside and replaces when one deadlocks.
  private readonly io: { a?: Handle; ctx?: ActivationContext; jobs?: string; bundle?: unknown; queryType?: string; args?: string };
  private readonly scripts = {
    create: new vm.Script('__endure_io.a = __endure_runtime.create(__endure_io.bundle)'),
    activate: new vm.Script('__endure_runtime.activate(__endure_io.a, __endure_io.ctx, __endure_io.jobs)'),
    conclude: new vm.Script('__endure_runtime.conclude(__endure_io.a)'),
    query: new vm.Script('__endure_runtime.query(__endure_io.a, __endure_io.queryType, __endure_io.args)'),
  };

  private constructor(
    private readonly context: vm.Context,
    bundleFactory: unknown,
  ) {
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
    return new SandboxRealm(context, factory);
  }

  /** A fresh run of workflow code; its modules are instantiated by its startWorkflow job. */
  instantiate(): SandboxedWorkflow {
    this.run(this.scripts.create);
    const handle = this.io.a!;
    this.io.a = undefined;
    return new SandboxedWorkflow(this, handle);
  }

  /** Runs a control script; the realm's microtasks (workflow continuations) drain before it returns. */
  private run(script: vm.Script): unknown {
    return script.runInContext(this.context);
  }

  activate(handle: Handle, jobs: Job[], ctx: ActivationContext): ActivationResult {
    const io = this.io;
    io.a = handle;
    try {
      io.ctx = ctx;
      io.jobs = JSON.stringify(jobs);
      this.run(this.scripts.activate);
      for (let i = 0; ; i++) {
        const out = this.run(this.scripts.conclude) as string;
        if (out !== 'again') return JSON.parse(out) as ActivationResult;
        if (i > 10_000) throw new Error('conditions kept becoming true 10,000 times in one activation (a condition loop?)');
      }
    } catch (err) {
      // Errors may come from the sandbox realm, where `instanceof Error` is false: read fields.
      const e = (err !== null && typeof err === 'object' ? err : { message: String(err) }) as { message?: unknown; stack?: unknown; name?: unknown };
      return {
        ok: false,
        failure: {
          message: String(e.message),
          stackTrace: typeof e.stack === 'string' ? e.stack : undefined,
          info: { type: 'application', errorType: String(e.name ?? 'Error'), nonRetryable: false },
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
      return JSON.parse(this.run(this.scripts.query) as string) as QueryResult;
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
