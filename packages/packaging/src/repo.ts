// The repository's public packages, as npm would publish them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/packaging/dist/src/repo.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  engines?: Record<string, string>;
  type?: string;
  main?: string;
  types?: string;
  exports?: Record<string, Record<string, unknown>>;
  bin?: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** The folder under packages/, e.g. `store-sqlite`. */
  folder: string;
  dir: string;
  manifest: PackageManifest;
}

function readManifest(dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
}

/** Every package under packages/ (private ones too). */
export function workspacePackages(): WorkspacePackage[] {
  const root = join(REPO_ROOT, 'packages');
  return readdirSync(root)
    .filter((folder) => existsSync(join(root, folder, 'package.json')))
    .map((folder) => ({ folder, dir: join(root, folder), manifest: readManifest(join(root, folder)) }));
}

/** The packages anyone can install: every one not marked private. */
export function publicPackages(): WorkspacePackage[] {
  return workspacePackages().filter((p) => !p.manifest.private);
}

/** The root package.json (the metadata every public package shares: license, repository, engines). */
export function rootManifest(): PackageManifest {
  return readManifest(REPO_ROOT);
}

/** The version of a third-party tool as the repository installed it (so an install finds it in npm's cache). */
export function installedVersion(name: string): string {
  return readManifest(join(REPO_ROOT, 'node_modules', name)).version;
}

/** The internal packages `names` need, themselves included: their @endure dependencies, transitively (not optional peers). */
export function withInternalDependencies(names: readonly string[]): string[] {
  const byName = new Map(publicPackages().map((p) => [p.manifest.name, p.manifest]));
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const m = byName.get(name);
    if (!m) throw new Error(`${name} is not a public package of this repository`);
    out.add(name);
    for (const dep of Object.keys(m.dependencies ?? {})) if (dep.startsWith('@endure/')) visit(dep);
  };
  names.forEach(visit);
  return [...out].sort();
}
