// `endure server start-dev` run from a project's installed @endure/server (its `endure` bin).
import { join } from 'node:path';
import { start, type Finished } from './processes.js';

export interface InstalledServer {
  url: string;
  stop(): Promise<Finished>;
}

/** Starts the `endure` bin installed in `projectDir` on a free port with its database at `db`. */
export async function startInstalledServer(projectDir: string, db: string): Promise<InstalledServer> {
  const bin = join(projectDir, 'node_modules', '.bin', 'endure');
  const s = await start('endure server start-dev', bin, ['server', 'start-dev', '--db', db, '--port', '0'], { cwd: projectDir, ready: /listening on https?:\/\//, timeoutMs: 600_000 });
  const url = /listening on (https?:\/\/[^\s]+)/.exec(s.readyLine)?.[1];
  if (!url) {
    await s.stop();
    throw new Error(`endure server's ready line names no URL: ${s.readyLine}`);
  }
  return { url, stop: s.stop };
}
