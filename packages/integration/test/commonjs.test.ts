// Temporal's samples include CommonJS projects; the same code must run with `require('@endure/...')`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const project = fileURLToPath(new URL('../../fixtures/cjs-project/', import.meta.url));

describe('a CommonJS project', () => {
  it('requires the packages, bundles CommonJS workflows, and runs them', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['main.js'], { cwd: project, timeout: 60_000 });
    assert.equal(stdout, 'Hello, CJS (attempt 1)\nfailed: no luck\n', `stderr: ${stderr}`);
    assert.doesNotMatch(stderr, /ExperimentalWarning|Error/);
  });
});
