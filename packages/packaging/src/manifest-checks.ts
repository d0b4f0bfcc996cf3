// What every public package.json must say for its tarball to install and load anywhere (the
// shape ARCHITECTURE.md describes under "Adding a public package"). Each check returns the
// problems it found, as sentences naming the package and the fix.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { publicPackages, rootManifest, workspacePackages, type WorkspacePackage } from './repo.js';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function jsFilesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) jsFilesUnder(p, out);
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

/** Metadata every public package carries, the same as the root's license and engines. */
export function checkMetadata(p: WorkspacePackage): string[] {
  const m = p.manifest;
  const root = rootManifest();
  const problems: string[] = [];
  const name = m.name;
  if (!m.description) problems.push(`${name}: no description`);
  if (m.license !== root.license) problems.push(`${name}: license ${m.license} is not the root's ${root.license}`);
  if (JSON.stringify(m.engines) !== JSON.stringify(root.engines)) problems.push(`${name}: engines ${JSON.stringify(m.engines)} differ from the root's ${JSON.stringify(root.engines)}`);
  if (m.type !== 'module') problems.push(`${name}: "type" must be "module" (dist/src is ESM; dist/cjs says commonjs for itself)`);
  return problems;
}

/**
 * `exports` gives every entry an `import` (dist/src) and a `require` (dist/cjs) condition, each
 * with its own types, all files existing after the build; main/types serve old resolvers the
 * CommonJS build; `files` ships both builds and the bins.
 */
export function checkEntryPoints(p: WorkspacePackage): string[] {
  const m = p.manifest;
  const problems: string[] = [];
  const exists = (file: string, what: string) => {
    if (!existsSync(join(p.dir, file))) problems.push(`${m.name}: ${what} ${file} does not exist (built?)`);
  };
  if (!m.exports || Object.keys(m.exports).length === 0) problems.push(`${m.name}: no exports`);
  for (const [sub, target] of Object.entries(m.exports ?? {})) {
    const conditions = Object.keys(target);
    if (conditions.join() !== 'import,require') {
      problems.push(`${m.name}: exports['${sub}'] must have exactly "import" then "require" conditions, has ${conditions.join(', ')}`);
      continue;
    }
    for (const [condition, folder] of [['import', './dist/src/'], ['require', './dist/cjs/']] as const) {
      const t = target[condition] as { types?: string; default?: string };
      if (!t.default?.startsWith(folder)) problems.push(`${m.name}: exports['${sub}'].${condition}.default must be under ${folder}`);
      else exists(t.default, `exports['${sub}'].${condition}.default`);
      if (t.types !== undefined) {
        if (!t.types.startsWith(folder)) problems.push(`${m.name}: exports['${sub}'].${condition}.types must be under ${folder}`);
        else exists(t.types, `exports['${sub}'].${condition}.types`);
        if (Object.keys(t)[0] !== 'types') problems.push(`${m.name}: exports['${sub}'].${condition}: "types" must come first`);
      }
    }
  }
  if (m.main !== './dist/cjs/index.js') problems.push(`${m.name}: main must be ./dist/cjs/index.js (resolvers that ignore exports)`);
  if (m.types !== './dist/cjs/index.d.ts') problems.push(`${m.name}: types must be ./dist/cjs/index.d.ts (TypeScript's node10 resolution, e.g. ts-jest's default)`);
  for (const f of ['dist/src', 'dist/cjs', ...Object.values(m.bin ?? {}).map((b) => b.replace(/^\.\//, '').split('/')[0]!)]) {
    if (!m.files?.includes(f)) problems.push(`${m.name}: "files" must include ${f}`);
  }
  const cjsType = join(p.dir, 'dist', 'cjs', 'package.json');
  if (!existsSync(cjsType) || (JSON.parse(readFileSync(cjsType, 'utf8')) as { type?: string }).type !== 'commonjs') {
    problems.push(`${m.name}: dist/cjs/package.json must say "type": "commonjs" (scripts/build-cjs.mjs writes it)`);
  }
  return problems;
}

/**
 * Every package the built code imports (static or import()) is a dependency or peer dependency,
 * internal ones at the version this repository builds and never a private package.
 */
export async function checkDependencies(p: WorkspacePackage): Promise<string[]> {
  const m = p.manifest;
  const problems: string[] = [];
  const result = await esbuild.build({
    entryPoints: jsFilesUnder(join(p.dir, 'dist', 'src')),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    outdir: join(p.dir, 'dist', 'check'),
    metafile: true,
    logLevel: 'silent',
  });
  const declared = { ...m.dependencies, ...m.peerDependencies };
  const imported = new Map<string, string>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const i of input.imports) {
      // node:test is only known with its prefix; <runtime> is esbuild's own helper for require().
      if (!i.external || builtins.has(i.path) || i.path.startsWith('node:') || i.path === '<runtime>') continue;
      imported.set(packageOf(i.path), file);
    }
  }
  for (const [pkg, file] of imported) {
    if (pkg !== m.name && !(pkg in declared)) problems.push(`${m.name}: ${relative(p.dir, file)} imports ${pkg}, which is not in its dependencies`);
  }
  const all = new Map(workspacePackages().map((w) => [w.manifest.name, w.manifest]));
  for (const [dep, range] of Object.entries(declared)) {
    const internal = all.get(dep);
    if (!internal) continue;
    if (internal.private) problems.push(`${m.name}: depends on the private ${dep}`);
    if (range !== internal.version) problems.push(`${m.name}: depends on ${dep}@${range}, but this repository builds ${internal.version}`);
  }
  return problems;
}

/** Every check over every public package. */
export async function checkPublicPackages(): Promise<string[]> {
  const packages = publicPackages();
  const deps = await Promise.all(packages.map(checkDependencies));
  return [...packages.flatMap((p) => [...checkMetadata(p), ...checkEntryPoints(p)]), ...deps.flat()];
}
