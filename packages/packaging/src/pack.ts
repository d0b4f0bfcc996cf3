// Packs every public package from its built dist with `npm pack`, as npm would publish it.
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { publicPackages, REPO_ROOT } from './repo.js';
import { runOk } from './processes.js';

export interface PackedPackage {
  name: string;
  version: string;
  /** The tarball's absolute path. */
  tarball: string;
  /** The paths inside the package (what `files` let in), e.g. `dist/src/index.js`. */
  files: string[];
}

/** Name → tarball of every public package. */
export type Tarballs = ReadonlyMap<string, PackedPackage>;

/** Packs every public package into `dest` (one `npm pack` for all). The packages must be built. */
export async function packPublicPackages(dest: string): Promise<Tarballs> {
  const packages = publicPackages();
  for (const p of packages) {
    for (const out of ['dist/src', 'dist/cjs']) {
      if (!existsSync(join(p.dir, out))) throw new Error(`${p.manifest.name} has no ${out}: run npm run build first`);
    }
  }
  mkdirSync(dest, { recursive: true });
  const workspaces = packages.flatMap((p) => ['--workspace', relative(REPO_ROOT, p.dir)]);
  const r = await runOk('npm pack', 'npm', ['pack', '--json', '--pack-destination', dest, ...workspaces], { cwd: REPO_ROOT, timeoutMs: 120_000 });
  const packed = JSON.parse(r.stdout) as { name: string; version: string; filename: string; files: { path: string }[] }[];
  return new Map(packed.map((p) => [p.name, { name: p.name, version: p.version, tarball: join(dest, p.filename), files: p.files.map((f) => f.path) }]));
}
