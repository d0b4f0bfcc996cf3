// `endure db migrate` as a user meets it: a database moved with its runs (the summary on stdout,
// progress on stderr, the copy usable at once), and every wrong address or target refused in
// one line with the fix and the exit code. (Runs mid-flight, stopped gracefully or killed, are
// integration/test/db-migrate.test.ts.)
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { endure, json, tempDir } from './fixtures/cli-harness.js';

describe('endure db migrate', () => {
  const tmp = tempDir();
  const dir = realpathSync(tmp.dir);
  after(() => tmp.remove());
  const file = (name: string) => join(dir, name);

  it('copies a database with its runs into a new file and prints what it copied', async () => {
    const from = `sqlite:${file('a.db')}`;
    for (const id of ['one', 'two']) {
      const started = await endure(['--address', from, 'workflow', 'start', '--type', 'greet', '-t', 'q', '-w', id, '-i', '"x"']);
      assert.equal(started.code, 0, started.stderr);
    }
    const r = await endure(['db', 'migrate', '--from', from, '--to', `sqlite:${file('b.db')}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Copied ${from} to sqlite:${file('b.db')} and verified the copy: 2 run(s), 2 history event(s), 2 task(s), 0 timer(s).\n` +
        'NAMESPACE  RUNS  OPEN  CLOSED  EVENTS  TASKS  TIMERS\n' +
        'default    2     2     0       2       2      0\n' +
        'Task-token keys: 1. API keys: 0.\n',
    );
    assert.equal(r.stderr, `copying ${from} to sqlite:${file('b.db')}\ncopied 2 run(s) of namespace default\nverified 2 run(s) of namespace default\n`);
    const listed = json<{ executions: { workflowId: string }[] }>(await endure(['--address', `sqlite:${file('b.db')}`, 'workflow', 'list', '-o', 'json']));
    assert.deepEqual(listed.executions.map((w) => w.workflowId).sort(), ['one', 'two']);
  });

  it('refuses a target that holds anything, naming what, and leaves it as it was', async () => {
    await endure(['--address', `sqlite:${file('c.db')}`, 'workflow', 'list']); // an engine opened it: it has the default namespace and a key
    await endure(['--address', `sqlite:${file('d.db')}`, 'workflow', 'list']);
    const r = await endure(['db', 'migrate', '--from', `sqlite:${file('c.db')}`, '--to', `sqlite:${file('d.db')}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: the target is not empty: it holds namespaces default; 1 task-token key\(s\)\. Copy into a new, empty database \(no engine may have opened it\)\n$/);
  });

  it('refuses bad addresses in one line naming the flag, with the exit code of each', async () => {
    const cases: [string[], number, string][] = [
      [['--from', 'mysql://me:secret@h/db', '--to', 'sqlite:x.db'], 2, "error: --from mysql://me:***@h/db has the scheme 'mysql:', which is no database: use 'sqlite:./endure.db' or 'postgres://user@host:5432/database'\n"],
      [['--from', `sqlite:${file('a.db')}`, '--to', './b.db'], 2, "error: --to ./b.db is no database address: use 'sqlite:./endure.db' or 'postgres://user@host:5432/database'\n"],
      [['--from', 'sqlite:', '--to', 'sqlite:x.db'], 2, "error: --from sqlite: names no file: write e.g. 'sqlite:./endure.db'\n"],
      [['--from', `sqlite:${file('a.db')}`, '--to', `sqlite:${dir}/../${dir.split('/').at(-1)}/a.db`], 2, `error: --from and --to name the same database (sqlite:${file('a.db')}); give a new, empty database as --to\n`],
      [['--from', 'postgres://127.0.0.1:5432/test?schema=same', '--to', 'postgresql://127.0.0.1:5432/test?schema=same'], 2, 'error: --from and --to name the same database (postgres://127.0.0.1:5432/test?schema=same); give a new, empty database as --to\n'],
      [['--from', `sqlite:${file('missing.db')}`, '--to', `sqlite:${file('e.db')}`], 1, `error: database ${file('missing.db')} does not exist (from sqlite:${file('missing.db')})\n`],
      [['--from', `sqlite:${file('a.db')}`], 2, "error: required option '--to <address>' not specified\n"],
    ];
    for (const [args, code, stderr] of cases) {
      const r = await endure(['db', 'migrate', ...args]);
      assert.deepEqual([r.code, r.stderr, r.stdout], [code, stderr, ''], args.join(' '));
    }
    assert.ok(!existsSync(file('e.db')), 'a refused migrate creates no target');
  });
});
