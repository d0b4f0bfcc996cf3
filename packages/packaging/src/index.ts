// Pack every public package and install the tarballs into projects outside the repository, as a
// user would: the helpers of the packaging tests (test/), for any test that needs a real install.
export { REPO_ROOT, publicPackages, workspacePackages, rootManifest, installedVersion, withInternalDependencies, type PackageManifest, type WorkspacePackage } from './repo.js';
export { packPublicPackages, type PackedPackage, type Tarballs } from './pack.js';
export { installProject, projectManifest, type ProjectSpec } from './install.js';
export { copyProject, PROJECTS_DIR } from './fixtures.js';
export { run, runOk, start, describeRun, projectEnv, type Finished, type RunOptions, type Started } from './processes.js';
export { startInstalledServer, type InstalledServer } from './installed-server.js';
export { checkPublicPackages, checkMetadata, checkEntryPoints, checkDependencies } from './manifest-checks.js';
