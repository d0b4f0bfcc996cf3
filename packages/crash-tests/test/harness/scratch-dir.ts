// The temporary directory a crash test keeps its database and log in, and the cleanup that runs
// however the test file ends.
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killLive, killLiveNow } from './child-process.js';

export interface ScratchDir {
  path: string;
  /** CRASH_KEEP_TMP=1 keeps the database and the log for a post-mortem. */
  keep: boolean;
}

/**
 * Creates /tmp/endure-<name>-…; call it at the top level of the test file. When the file is done,
 * no launched process survives and the directory goes (unless kept); `name` also labels the line
 * that says where a kept directory is.
 */
export function createScratchDir(name: string): ScratchDir {
  const path = mkdtempSync(join(tmpdir(), `endure-${name}-`));
  const keep = Boolean(process.env['CRASH_KEEP_TMP']);
  after(async () => {
    await killLive();
    if (keep) console.log(`${name} test: kept ${path}`);
    else rmSync(path, { recursive: true, force: true });
  });
  // When the runner times the file out it terminates this process without running `after`:
  // take the children down with it.
  process.on('exit', () => {
    killLiveNow();
    if (!keep) rmSync(path, { recursive: true, force: true });
  });
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      killLiveNow();
      process.exit(code);
    });
  }
  return { path, keep };
}
