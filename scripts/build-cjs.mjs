#!/usr/bin/env node
// The CommonJS build of every public package (each packages/*/package.json without "private"):
// tsc writes ESM to dist/src; this turns each dist/src/**/*.js into dist/cjs/**/*.js with esbuild
// (one file each, not bundled) and copies the .d.ts beside them, so `require('@endure/x')` (jest,
// ts-node, tsx in CommonJS mode) gets real CommonJS with its own declaration files, which
// TypeScript reads as CommonJS because of dist/cjs/package.json. `npm run build` runs it after tsc.
//
// What the ESM code needs that CommonJS lacks:
// - import.meta.url (worker threads' files, package.json) is defined from __filename; any other
//   import.meta feature fails the build, since a transpiler would erase it;
// - import() becomes require(), so that jest's CommonJS runtime (which cannot import()) loads
//   lazily loaded packages such as @endure/embedded.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every file under `dir` whose name ends with `suffix`. */
function filesUnder(dir, suffix, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(p, suffix, out);
    else if (entry.name.endsWith(suffix)) out.push(p);
  }
  return out;
}

/** The public packages: every one not marked private (new ones are picked up by that alone). */
function publicPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .map((name) => ({ name, dir: join(dir, name), manifest: JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private);
}

const IMPORT_META_URL = '__endure_import_meta_url';

async function buildPackage(pkgDir) {
  const src = join(pkgDir, 'dist', 'src');
  const out = join(pkgDir, 'dist', 'cjs');
  if (!existsSync(src)) throw new Error(`${relative(root, src)} does not exist: run tsc first (npm run build)`);
  rmSync(out, { recursive: true, force: true });
  const js = filesUnder(src, '.js');
  // Only files that use import.meta.url get the line that defines it.
  const usesMeta = js.filter((f) => readFileSync(f, 'utf8').includes('import.meta'));
  const common = {
    outdir: out,
    outbase: src,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'silent',
    supported: { 'dynamic-import': false },
  };
  const results = await Promise.all([
    esbuild.build({ ...common, entryPoints: js.filter((f) => !usesMeta.includes(f)) }),
    usesMeta.length === 0
      ? { warnings: [] }
      : esbuild.build({
          ...common,
          entryPoints: usesMeta,
          define: { 'import.meta.url': IMPORT_META_URL },
          banner: { js: `const ${IMPORT_META_URL} = require('node:url').pathToFileURL(__filename).href;` },
        }),
  ]);
  // esbuild warns when it empties an import.meta it cannot define: that code would not work.
  const warnings = results.flatMap((r) => r.warnings);
  if (warnings.length > 0) {
    const text = await esbuild.formatMessages(warnings, { kind: 'warning' });
    throw new Error(`CommonJS build of ${relative(root, pkgDir)}:\n${text.join('\n')}`);
  }
  for (const dts of filesUnder(src, '.d.ts')) {
    const to = join(out, relative(src, dts));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(dts, to);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
}

await Promise.all(publicPackages().map((p) => buildPackage(p.dir)));
