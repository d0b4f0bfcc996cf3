// The example projects under packages/packaging/projects, copied out of the repository to run.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo.js';

export const PROJECTS_DIR = join(REPO_ROOT, 'packages', 'packaging', 'projects');

/**
 * Copies the project `name` into `dest`, with the shared workflow and activity code
 * (projects/code: workflows.ts, activities.ts) unless `withCode` is false.
 */
export function copyProject(name: string, dest: string, withCode = true): void {
  cpSync(join(PROJECTS_DIR, name), dest, { recursive: true });
  if (withCode) cpSync(join(PROJECTS_DIR, 'code'), dest, { recursive: true });
}
