// Preloaded (`--import`) into the server and worker processes by server-env.ts when
// BENCH_PROFILE_DIR is set: a CPU profile of the whole process, written at exit as
// <dir>/<role>-<pid>.cpuprofile (`node --cpu-prof` cannot be passed through NODE_OPTIONS, and the
// server is spawned by a helper that takes no node flags). Summarize with profile-summary.js.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env['BENCH_PROFILE_DIR'];
const role = process.env['BENCH_PROFILE_ROLE'] ?? 'process';
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // The in-process session answers synchronously, so this works inside the 'exit' event.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) process.stderr.write(`cpu profile not written: ${err.message}\n`);
      else writeFileSync(join(dir, `${role}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
