import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

let cached: Promise<string> | undefined;

/** The workflow runtime (@endure/workflow + @endure/common) as one script, built once per process. */
export function runtimeScript(): Promise<string> {
  cached ??= (async () => {
    const entry = fileURLToPath(import.meta.resolve('@endure/workflow/runtime-entry'));
    const r = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      logLevel: 'silent',
    });
    return r.outputFiles[0]!.text;
  })();
  return cached;
}
