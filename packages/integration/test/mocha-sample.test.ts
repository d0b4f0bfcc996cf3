// The yardstick: a project shaped like Temporal's TypeScript samples (CommonJS, mocha tests using
// TestWorkflowEnvironment.createLocal/createTimeSkipping, bundleWorkflowCode, Runtime/DefaultLogger
// and MockActivityEnvironment) runs on
// Endure with only the package names changed. This runs its mocha suite for real.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const project = fileURLToPath(new URL('../../fixtures/sample-project/', import.meta.url));
const mochaBin = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');

describe('a sample-shaped project with mocha tests', () => {
  it('passes its mocha suite', async () => {
    const run = await promisify(execFile)(process.execPath, [mochaBin, '--reporter', 'dot'], { cwd: project, timeout: 120_000 }).catch(
      (err: { stdout?: string; stderr?: string; code?: number }) => err,
    );
    assert.match(run.stdout ?? '', /8 passing/, `mocha output:\n${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout ?? '', /failing/);
  });
});
