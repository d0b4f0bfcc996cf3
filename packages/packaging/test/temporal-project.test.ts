// Acceptance for "run Temporal code unchanged": a project written the way Temporal's docs and
// samples write one (projects/temporal-project: CommonJS TypeScript, `require.resolve` for the
// workflows, `loadClientConnectConfig()` to connect, `ParentClosePolicy.ABANDON`, a dynamic
// workflow and a dynamic activity, jest tests on `TestWorkflowEnvironment.createTimeSkipping()`
// and `MockActivityEnvironment`, a mocha + ts-node test), with only `@temporalio/` changed to
// `@endure/`, installed from the packed tarballs outside the repository and run under jest,
// mocha + ts-node, and tsx against `endure server start-dev` on its default port.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDevServerPort } from '@endure/integration/dev-port-lock';
import { copyProject, describeRun, installProject, packPublicPackages, run, start, type Finished, type Started } from '../src/index.js';

const ENDURE = ['@endure/client', '@endure/worker', '@endure/workflow', '@endure/activity', '@endure/envconfig', '@endure/testing', '@endure/server'];
const TOOLS = ['typescript', '@types/node', 'jest', 'ts-jest', '@types/jest', 'mocha', '@types/mocha', 'ts-node', 'tsx'];
const RUN_TIMEOUT_MS = 180_000;

let tmp = '';
let project = '';
/** No config file and no ENDURE_/TEMPORAL_ variables: loadClientConnectConfig() finds the defaults. */
let env: NodeJS.ProcessEnv = {};
const bin = (name: string) => join(project, 'node_modules', '.bin', name);
const runHere = (command: string, args: string[]) => run(command, args, { cwd: project, env, timeoutMs: RUN_TIMEOUT_MS });

function assertOk(what: string, r: Finished): void {
  assert.equal(r.code, 0, describeRun(what, r));
}

describe('a Temporal-shaped project, installed from the tarballs', { concurrency: 1 }, () => {
  before(
    async () => {
      tmp = mkdtempSync(join(tmpdir(), 'endure-temporal-project-'));
      const tarballs = await packPublicPackages(join(tmp, 'tarballs'));
      project = join(tmp, 'project');
      copyProject('temporal-project', project, false);
      await installProject({ dir: project, endure: ENDURE, tools: TOOLS, nativeModules: 'copy-from-repo' }, tarballs);
      const home = join(tmp, 'home');
      mkdirSync(home);
      const scrubbed = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('TEMPORAL_')).map((k) => [k, undefined]));
      env = { ...scrubbed, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    },
    { timeout: 600_000 },
  );
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('its jest tests pass: time skipping through a day and an abandoned child, a dynamic workflow, activities in MockActivityEnvironment', async () => {
    const r = await runHere(bin('jest'), ['--ci']);
    assertOk('jest', r);
    assert.match(r.stderr, /Tests:\s+4 passed, 4 total/, describeRun('jest', r));
  });

  it('its mocha tests pass under ts-node, as Temporal samples run them', async () => {
    const r = await runHere(bin('mocha'), ['--exit', '--require', 'ts-node/register', 'src/mocha/*.test.ts']);
    assertOk('mocha', r);
    assert.match(r.stdout, /2 passing/, describeRun('mocha', r));
  });

  it('its worker and client, run with tsx, connect through loadClientConnectConfig() to endure server start-dev on its default port', () =>
    withDevServerPort(async () => {
      let server: Started | undefined;
      let worker: Started | undefined;
      try {
        server = await start('endure server start-dev', bin('endure'), ['server', 'start-dev', '--db', join(tmp, 'dev', 'endure.db')], {
          cwd: project,
          env,
          ready: /listening on http:\/\/127\.0\.0\.1:7233/,
          timeoutMs: RUN_TIMEOUT_MS,
        });
        worker = await start('tsx src/worker.ts', bin('tsx'), ['src/worker.ts'], { cwd: project, env, ready: /^Worker started on task queue onboarding$/, timeoutMs: RUN_TIMEOUT_MS });
        const client = await runHere(bin('tsx'), ['src/client.ts', 'ada']);
        assertOk('tsx src/client.ts', client);
        assert.deepEqual(client.stdout.trim().split('\n'), [
          'Started workflow onboarding-ada',
          'status: waiting for approval',
          'auditTrail ran dynamically with ["ada"]',
          'Hello, ada! translate(Hello, ada!, fr); approved by grace; reminders in reminders-ada',
        ]);
      } finally {
        const w: Finished | undefined = worker ? await worker.stop() : undefined;
        await server?.stop();
        // The worker stops cleanly on SIGTERM, as Temporal's does.
        if (w) assert.equal(w.signal ?? w.code, 0, describeRun('worker', w));
      }
    }));
});
