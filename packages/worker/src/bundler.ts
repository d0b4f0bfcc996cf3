import { builtinModules } from 'node:module';
import { relative, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as esbuild from 'esbuild';
import { checkOptions, optionTable } from '@endure/common';

/** Packages that hold I/O or server code and so may never run inside a workflow. */
const NON_WORKFLOW_PACKAGES = [
  '@endure/activity', '@endure/client', '@endure/worker', '@endure/engine', '@endure/embedded', '@endure/transport',
  '@endure/storage', '@endure/store-sqlite', '@endure/testing', '@endure/server',
];
/** Provided by the sandbox itself (one shared copy per realm). */
export const SANDBOX_PROVIDED = ['@endure/workflow', '@endure/common'];

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

export class WorkflowBundleError extends Error {
  override name = 'WorkflowBundleError';
}

export interface WorkflowBundle {
  code: string;
}

export interface BundleOptions {
  workflowsPath: string;
  /** A module exporting `payloadConverter`, bundled so workflow code encodes like the client. */
  payloadConverterPath?: string;
  /**
   * Modules the workflow code imports but never uses at run time (as Temporal's): they are
   * bundled as empty modules instead of being refused, Node built-ins included.
   */
  ignoreModules?: string[];
  /** @deprecated Not supported by Endure: there are no workflow interceptors; refused when set. */
  workflowInterceptorModules?: never;
  /** @deprecated Not supported by Endure: failures are encoded by Endure's own converter; refused when set. */
  failureConverterPath?: never;
  /** @deprecated Not supported by Endure: workflows are bundled with esbuild, not webpack; refused when set. */
  webpackConfigHook?: never;
  /** @deprecated Not supported by Endure: bundling logs nothing (errors are thrown); refused when set. */
  logger?: never;
  /** @deprecated Not supported by Endure: there are no bundler plugins; refused when set. */
  plugins?: never;
}

export const bundleOptionTable = optionTable<BundleOptions>('BundleOptions', 'bundleWorkflowCode', {
  workflowsPath: { honoured: 'packages/integration/test/sandbox.test.ts' },
  payloadConverterPath: { honoured: 'packages/integration/test/worker-options.test.ts' },
  ignoreModules: { honoured: 'packages/integration/test/worker-options.test.ts' },
  workflowInterceptorModules: { refused: 'workflow interceptors are not implemented' },
  failureConverterPath: { refused: 'custom failure converters are not implemented: failures are encoded by Endure (message, type, details, cause chain)' },
  webpackConfigHook: { refused: 'workflows are bundled with esbuild, not webpack; list modules to leave out in ignoreModules' },
  logger: { refused: 'bundling logs nothing: problems are thrown as WorkflowBundleError' },
  plugins: { refused: 'bundler plugins are not implemented' },
});

/** Temporal's `ignoreModules` entries may carry the `node:` prefix or not. */
const bare = (m: string) => (m.startsWith('node:') ? m.slice('node:'.length) : m);
const IGNORED_NAMESPACE = 'endure-ignored-module';

function refusal(path: string, importer: string): string | undefined {
  const from = importer ? relative(process.cwd(), importer) || importer : 'the workflows module';
  if (builtins.has(path) || builtins.has(path.split('/')[0]!)) {
    return `workflow code may not import the Node built-in '${path}' (imported by ${from}): workflows must be deterministic and do no I/O. Move this work into an activity (or, if the import is never used at run time, list it in bundlerOptions.ignoreModules).`;
  }
  const pkg = NON_WORKFLOW_PACKAGES.find((p) => path === p || path.startsWith(`${p}/`));
  if (pkg) {
    return `workflow code may not import '${path}' (imported by ${from}): it is not a workflow package. Use it from activities or from your worker/client code; in workflows import only '@endure/workflow' (use 'import type' for activity types).`;
  }
  return undefined;
}

/**
 * Bundles the workflows module and everything it imports into one CommonJS script for the
 * sandbox. Node built-ins and non-workflow packages are refused here, before any workflow runs.
 */
export async function bundleWorkflowCode(opts: BundleOptions): Promise<WorkflowBundle> {
  if (!opts || typeof opts !== 'object') throw new TypeError('bundleWorkflowCode(options): options are required, e.g. { workflowsPath }');
  checkOptions('bundleWorkflowCode', 'BundleOptions', opts, bundleOptionTable);
  if (typeof opts.workflowsPath !== 'string' || opts.workflowsPath === '') throw new TypeError('bundleWorkflowCode: workflowsPath is required (the module that exports your workflow functions)');
  const ignored = new Set((opts.ignoreModules ?? []).map(bare));
  const entry = resolve(opts.workflowsPath);
  if (!existsSync(entry)) {
    throw new WorkflowBundleError(`workflowsPath '${opts.workflowsPath}' does not exist (resolved to ${entry})`);
  }
  const converter = opts.payloadConverterPath ? resolve(opts.payloadConverterPath) : undefined;
  if (converter && !existsSync(converter)) {
    throw new WorkflowBundleError(`payloadConverterPath '${opts.payloadConverterPath}' does not exist (resolved to ${converter})`);
  }
  // The sandbox reads the converter from this export of the bundle.
  const stdin = converter
    ? { contents: `export * from ${JSON.stringify(entry)};\nexport { payloadConverter as __endurePayloadConverter } from ${JSON.stringify(converter)};\n`, resolveDir: process.cwd(), sourcefile: 'endure-entry.js' }
    : undefined;
  const refused: string[] = [];
  const guard: esbuild.Plugin = {
    name: 'endure-determinism-guard',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (SANDBOX_PROVIDED.includes(args.path)) return { path: args.path, external: true };
        // Listed as never used at run time: an empty module stands in (Temporal's semantics).
        if (ignored.has(bare(args.path))) return { path: args.path, namespace: IGNORED_NAMESPACE };
        const why = refusal(args.path, args.importer);
        if (why) {
          refused.push(why);
          return { path: args.path, external: true };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: IGNORED_NAMESPACE }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
  let result: esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] };
  try {
    result = await esbuild.build({
      ...(stdin ? { stdin } : { entryPoints: [entry] }),
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['import', 'require', 'default'],
      target: 'es2022',
      logLevel: 'silent',
      sourcemap: 'inline',
      plugins: [guard],
    });
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors ?? [];
    const text = errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`).join('\n');
    throw new WorkflowBundleError(`could not bundle workflow code from ${opts.workflowsPath}:\n${text || String(err)}`);
  }
  if (refused.length > 0) throw new WorkflowBundleError(refused.join('\n'));
  return { code: result.outputFiles[0]!.text };
}

/** Where a worker's (or a replay's) workflow code comes from, as its options give it. */
export interface WorkflowCodeOptions {
  workflowsPath?: string;
  workflowBundle?: WorkflowBundle | { codePath: string };
  bundlerOptions?: { ignoreModules?: string[] };
  dataConverter?: { payloadConverterPath?: string };
}

/** Bundles workflowsPath, or loads workflowBundle (its code, or the file at its codePath); undefined if neither is given. */
export async function loadWorkflowBundle(where: string, o: WorkflowCodeOptions): Promise<WorkflowBundle | undefined> {
  const given = o.workflowBundle as { code?: unknown; codePath?: unknown } | undefined;
  if (given !== undefined) {
    if (typeof given.code === 'string') return { code: given.code };
    if (typeof given.codePath === 'string') {
      try {
        return { code: await readFile(given.codePath, 'utf8') };
      } catch (err) {
        throw new WorkflowBundleError(`${where}: cannot read workflowBundle.codePath '${given.codePath}': ${(err as Error).message}`);
      }
    }
    throw new TypeError(`${where}: workflowBundle must be a bundle from bundleWorkflowCode() ({ code }) or { codePath } naming a file holding one's code`);
  }
  if (!o.workflowsPath) return undefined;
  return bundleWorkflowCode({ workflowsPath: o.workflowsPath, payloadConverterPath: o.dataConverter?.payloadConverterPath, ignoreModules: o.bundlerOptions?.ignoreModules });
}
