import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

let cached: Promise<string> | undefined;

/**
 * The workflow runtime (@endure/workflow + @endure/common) as one script, built once per process.
 * esbuild finds @endure/workflow from this package's own directory, as Node would resolve it for
 * this package: hoisted beside it, nested in its node_modules, or linked by pnpm. (Not
 * import.meta.resolve: transpilers that load this as CommonJS, such as tsx, erase it.)
 */
export function runtimeScript(): Promise<string> {
  cached ??= (async () => {
    const r = await esbuild.build({
      stdin: { contents: `import '@endure/workflow/runtime-entry';`, resolveDir: dirname(fileURLToPath(import.meta.url)), sourcefile: 'endure-runtime.js' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['import'],
      target: 'es2022',
      logLevel: 'silent',
    });
    return r.outputFiles[0]!.text;
  })();
  return cached;
}
