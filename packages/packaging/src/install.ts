// Installs packed Endure packages into a project outside the repository, as a user would: a
// package.json naming the packages the project imports, then `npm install`. Until the packages
// are on a registry, their internal dependencies (which name plain versions, e.g. "0.1.0") are
// pointed at the tarballs by `overrides`, which is what a registry would resolve them to.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tarballs } from './pack.js';
import { installedVersion, REPO_ROOT } from './repo.js';
import { runOk } from './processes.js';

export interface ProjectSpec {
  /** Where the project is made (created if missing). */
  dir: string;
  /** `module` or `commonjs` (package.json "type"). Default commonjs, npm's default. */
  type?: 'module' | 'commonjs';
  /** The Endure packages the project imports: its dependencies. */
  endure: readonly string[];
  /** Third-party tools (devDependencies), at the versions this repository installed so that npm finds them in its cache. */
  tools?: readonly string[];
  /** npm's --install-strategy. Default hoisted (npm's default). */
  strategy?: 'hoisted' | 'nested' | 'shallow';
  /**
   * What to do about better-sqlite3's native module, which its install script downloads
   * prebuilt or, where that cannot be downloaded (as on this project's machines), compiles —
   * about a minute and a half on a 2-core machine, for each install:
   * - `build` (default): run install scripts, as a user's install does;
   * - `copy-from-repo`: skip install scripts and copy the module this repository's install built,
   *   when the project got the same better-sqlite3 version (else build it after all);
   * - `none`: skip install scripts, for a project that never opens the embedded engine.
   */
  nativeModules?: 'build' | 'copy-from-repo' | 'none';
  /** Files to write into the project: relative path → content. */
  files?: Readonly<Record<string, string>>;
}

/** The project's package.json: its Endure dependencies and the rest of Endure as overrides. */
export function projectManifest(spec: ProjectSpec, tarballs: Tarballs): object {
  const file = (name: string) => {
    const t = tarballs.get(name);
    if (!t) throw new Error(`no tarball for ${name}`);
    return `file:${t.tarball}`;
  };
  const dependencies = Object.fromEntries(spec.endure.map((n) => [n, file(n)]));
  const overrides = Object.fromEntries([...tarballs.keys()].filter((n) => !spec.endure.includes(n)).map((n) => [n, file(n)]));
  const devDependencies = Object.fromEntries((spec.tools ?? []).map((t) => [t, installedVersion(t)]));
  return { name: 'endure-packaging-project', version: '1.0.0', private: true, type: spec.type ?? 'commonjs', dependencies, devDependencies, overrides };
}

/** Writes the project and runs `npm install` in it. */
export async function installProject(spec: ProjectSpec, tarballs: Tarballs): Promise<void> {
  mkdirSync(spec.dir, { recursive: true });
  writeFileSync(join(spec.dir, 'package.json'), `${JSON.stringify(projectManifest(spec, tarballs), null, 2)}\n`);
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(join(spec.dir, path, '..'), { recursive: true });
    writeFileSync(join(spec.dir, path), content);
  }
  const native = spec.nativeModules ?? 'build';
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--install-strategy', spec.strategy ?? 'hoisted'];
  if (native !== 'build') args.push('--ignore-scripts');
  await runOk(`npm install in ${spec.dir}`, 'npm', args, { cwd: spec.dir, timeoutMs: 480_000 });
  if (native === 'copy-from-repo') await copySqliteBuild(spec.dir);
}

/** Puts the repository's built better-sqlite3 module into the project's copy of the same version, or builds it. */
async function copySqliteBuild(dir: string): Promise<void> {
  const installed = join(dir, 'node_modules', 'better-sqlite3');
  if (!existsSync(installed)) return;
  const ours = join(REPO_ROOT, 'node_modules', 'better-sqlite3');
  const built = join(ours, 'build', 'Release', 'better_sqlite3.node');
  const version = (d: string) => (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { version: string }).version;
  if (existsSync(built) && version(ours) === version(installed)) {
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    copyFileSync(built, join(installed, 'build', 'Release', 'better_sqlite3.node'));
    return;
  }
  await runOk(`npm rebuild better-sqlite3 in ${dir}`, 'npm', ['rebuild', 'better-sqlite3'], { cwd: dir, timeoutMs: 480_000 });
}
