import { builtinModules } from 'node:module';
import { relative, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

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
  /** Extra modules to refuse, beyond Node built-ins and Endure's non-workflow packages. */
  ignoreModules?: string[];
}

function refusal(path: string, importer: string): string | undefined {
  const from = importer ? relative(process.cwd(), importer) || importer : 'the workflows module';
  if (builtins.has(path) || builtins.has(path.split('/')[0]!)) {
    return `workflow code may not import the Node built-in '${path}' (imported by ${from}): workflows must be deterministic and do no I/O. Move this work into an activity.`;
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
        const why = refusal(args.path, args.importer) ?? (opts.ignoreModules?.includes(args.path) ? `'${args.path}' is listed in ignoreModules` : undefined);
        if (why) {
          refused.push(why);
          return { path: args.path, external: true };
        }
        return undefined;
      });
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
