// Acceptance for "packages anyone can install": every public package is packed with `npm pack`
// and the tarballs are installed with `npm install` into projects under os.tmpdir(), outside the
// repository, where a worker and a client run a workflow (an activity, a timer and a signal) to
// completion under each way a user runs code: plain node (ESM), jest + ts-jest (CommonJS), tsx
// (ESM and CommonJS), mocha + ts-node and vitest; and an HTTP-only client with just
// @endure/client installed talks to an `endure server` run from the installed tarball.
//
// Installs, made at once:
// - `shared`: the four packages the README says to install, and the test tools. The projects run
//   under those tools share it (the tools are most of its cost): they are folders of it, each
//   with its own package.json (type module or commonjs) and config, resolving packages from its
//   node_modules as Node does;
// - `all`: every tarball as a direct dependency (the README's `npm install <dir>/*.tgz`): every
//   public package loads there, and its `endure` bin runs the server for the HTTP-only client;
// - `http-client`: just @endure/client;
// - `nested`: just @endure/worker, in npm's nested layout (@endure/workflow only in the worker's
//   own node_modules), working for the server over HTTP.
// Those that open the embedded engine skip install scripts and take better-sqlite3's native module
// from this repository's own install (the same version): its install script would compile SQLite,
// since prebuilt binaries cannot be downloaded here — 90 s of the 2 cores, each time. None of our
// packages has an install script.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  copyProject,
  describeRun,
  installProject,
  packPublicPackages,
  publicPackages,
  run,
  start,
  startInstalledServer,
  type Finished,
  type InstalledServer,
  type Started,
  type Tarballs,
} from '../src/index.js';

/** What the README tells users to install. */
const SHARED_ENDURE = ['@endure/client', '@endure/worker', '@endure/workflow', '@endure/activity'];
const TOOLS = ['typescript', '@types/node', 'jest', 'ts-jest', '@types/jest', 'tsx', 'mocha', '@types/mocha', 'ts-node', 'vitest'];
const SHARED_PROJECTS = ['esm', 'jest', 'tsx-esm', 'tsx-cjs', 'mocha', 'vitest'];
const RUN_TIMEOUT_MS = 150_000;

let tmp = '';
let shared = '';
let all = '';
let httpClient = '';
let nested = '';
let tarballs: Tarballs;
let server: InstalledServer | undefined;
let nestedWorker: Started | undefined;

const bin = (name: string) => join(shared, 'node_modules', '.bin', name);
const runIn = (project: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(command, args, { cwd: join(shared, project), env, timeoutMs: RUN_TIMEOUT_MS });

function assertOk(what: string, r: Finished): void {
  assert.equal(r.code, 0, describeRun(what, r));
}

/** The value of the `RESULT <json>` line a project's program prints. */
function resultOf(what: string, r: Finished): unknown {
  assertOk(what, r);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, describeRun(`${what} printed no RESULT line:`, r));
  return JSON.parse(line.slice('RESULT '.length));
}

/** Every file under `dir` (following no links), relative to it. */
function filesUnder(dir: string, out: string[] = [], base = dir): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out, base);
    else out.push(relative(base, p));
  }
  return out;
}

describe('public packages packed and installed into projects outside the repository', { concurrency: 3 }, () => {
  before(
    async () => {
      const t0 = Date.now();
      const took = (what: string) => console.log(`# ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      tmp = mkdtempSync(join(tmpdir(), 'endure-packaging-'));
      tarballs = await packPublicPackages(join(tmp, 'tarballs'));
      shared = join(tmp, 'shared');
      all = join(tmp, 'all');
      httpClient = join(tmp, 'http-client');
      nested = join(tmp, 'nested');
      for (const p of SHARED_PROJECTS) copyProject(p, join(shared, p), p !== 'esm');
      copyProject('http-client', httpClient, false);
      copyProject('nested', nested);
      await Promise.all([
        installProject({ dir: shared, endure: SHARED_ENDURE, tools: TOOLS, nativeModules: 'copy-from-repo' }, tarballs),
        installProject({ dir: all, type: 'module', endure: [...tarballs.keys()], nativeModules: 'copy-from-repo' }, tarballs),
        installProject({ dir: httpClient, type: 'module', endure: ['@endure/client'] }, tarballs),
        // Only the worker: @endure/workflow is then only in the worker's own node_modules.
        installProject({ dir: nested, endure: ['@endure/worker'], strategy: 'nested', nativeModules: 'none' }, tarballs),
      ]);
      took('packed and installed');
      server = await startInstalledServer(all, join(tmp, 'server', 'endure.db'));
      nestedWorker = await start('nested worker', process.execPath, ['worker.cjs'], { cwd: nested, env: { SERVER_URL: server.url }, ready: /^READY$/m, timeoutMs: 600_000 });
    },
    { timeout: 600_000 },
  );

  after(async () => {
    await nestedWorker?.stop();
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('packs every public package, none of bench, integration, crash-tests, simulator, packaging', () => {
    assert.deepEqual([...tarballs.keys()].sort(), publicPackages().map((p) => p.manifest.name).sort());
    for (const name of ['@endure/bench', '@endure/integration', '@endure/crash-tests', '@endure/simulator', '@endure/packaging']) assert.ok(!tarballs.has(name), name);
  });

  it('every public package loads with import and with require, with the same exports', async () => {
    const entries = publicPackages().flatMap((p) =>
      Object.keys(p.manifest.exports ?? {})
        .filter((sub) => sub !== './runtime-entry') // the sandbox's runtime: it runs only inside the sandbox
        .map((sub) => (sub === '.' ? p.manifest.name : `${p.manifest.name}/${sub.slice(2)}`)),
    );
    copyProject('load-check.mjs', join(all, 'load-check.mjs'), false);
    const r = await run(process.execPath, ['load-check.mjs', JSON.stringify(entries)], { cwd: all, timeoutMs: RUN_TIMEOUT_MS });
    assertOk('load-check', r);
    const line = r.stdout.split('\n').find((l) => l.startsWith('EXPORTS '))!;
    const loaded = JSON.parse(line.slice('EXPORTS '.length)) as Record<string, { esm: string[]; cjs: string[] }>;
    assert.deepEqual(Object.keys(loaded).sort(), entries.sort());
    for (const [entry, { esm, cjs }] of Object.entries(loaded)) {
      assert.ok(esm.length > 0, `${entry} exports nothing`);
      assert.deepEqual(cjs, esm, `${entry}: require and import give different exports`);
    }
  });

  it('(a) an ESM project run with plain node: the README quick start on sqlite:, with just the four packages', async () => {
    assert.deepEqual(readdirSync(join(shared, 'node_modules', '@endure')).filter((p) => p === 'server' || p === 'testing'), []);
    assert.equal(resultOf('node main.mjs', await runIn('esm', process.execPath, ['main.mjs'])), 'Hello, esm; approved by tester');
  });

  it('(b) a CommonJS project under jest + ts-jest (preset ts-jest, module commonjs)', async () => {
    const r = await runIn('jest', bin('jest'), ['--ci']);
    assertOk('jest', r);
    assert.match(r.stderr, /Tests:\s+1 passed, 1 total/, describeRun('jest', r));
  });

  it('(c) an ESM project run with tsx, which also type-checks with tsc (module nodenext)', async () => {
    assert.equal(resultOf('tsx main.ts (ESM)', await runIn('tsx-esm', bin('tsx'), ['main.ts'])), 'Hello, tsx-esm; approved by tester');
    assertOk('tsc --noEmit (ESM, nodenext)', await runIn('tsx-esm', bin('tsc'), ['-p', '.']));
  });

  it('(c) a CommonJS project run with tsx', async () => {
    assert.equal(resultOf('tsx main.ts (CommonJS)', await runIn('tsx-cjs', bin('tsx'), ['main.ts'])), 'Hello, tsx-cjs; approved by tester');
  });

  it('a CommonJS project under mocha + ts-node, type-checked with module nodenext', async () => {
    const r = await runIn('mocha', bin('mocha'), []);
    assertOk('mocha', r);
    assert.match(r.stdout, /1 passing/, describeRun('mocha', r));
  });

  it('an ESM project under vitest', async () => {
    const r = await runIn('vitest', bin('vitest'), ['run']);
    assertOk('vitest run', r);
    assert.match(r.stdout, /1 passed/, describeRun('vitest', r));
  });

  it('(d) an HTTP-only client: just @endure/client installed, no native module, no engine; it talks to the installed endure server', async () => {
    const installed = filesUnder(join(httpClient, 'node_modules'));
    assert.deepEqual(installed.filter((f) => f.endsWith('.node')), [], 'native modules in an HTTP-only install');
    const packages = readdirSync(join(httpClient, 'node_modules', '@endure')).sort();
    assert.deepEqual(packages, ['client', 'common', 'protocol', 'transport']);
    assert.ok(!existsSync(join(httpClient, 'node_modules', 'better-sqlite3')));

    const r = await run(process.execPath, ['main.mjs'], { cwd: httpClient, env: { SERVER_URL: server!.url }, timeoutMs: RUN_TIMEOUT_MS });
    // The workflow ran on the nested-layout worker: its runtime was found in that layout.
    assert.equal(resultOf('HTTP client', r), 'Hello, http; approved by tester');
    const refusal = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('SQLITE '))!.slice('SQLITE '.length)) as string;
    assert.match(refusal, /needs the package @endure\/embedded: npm install @endure\/embedded/);
    assert.doesNotMatch(refusal, /\n/, 'one line');

    // The nested worker loaded no engine module although @endure/embedded is installed there.
    const w = await nestedWorker!.stop();
    nestedWorker = undefined;
    assertOk('nested worker', w);
    assert.match(w.stdout, /^ENGINE_MODULES \[\]$/m, describeRun('nested worker', w));
    assert.ok(existsSync(join(nested, 'node_modules', '@endure', 'worker', 'node_modules', '@endure', 'workflow')));
    assert.ok(!existsSync(join(nested, 'node_modules', '@endure', 'workflow')));
  });
});
