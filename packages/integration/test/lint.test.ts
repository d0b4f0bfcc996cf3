import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const fixture = fileURLToPath(new URL('../../test/lint-fixtures/workflows.ts', import.meta.url));

describe('lint', () => {
  it('enforces the determinism boundary in workflow files and flags floating promises', { timeout: 120_000 }, async () => {
    const eslint = new ESLint({ cwd: root, ignore: false });
    const [result] = await eslint.lintFiles([fixture]);
    const found = result!.messages.map((m) => `${m.line}:${m.ruleId}`);
    assert.deepEqual(found.sort(), ['2:no-restricted-imports', '3:no-restricted-imports', '8:@typescript-eslint/no-floating-promises'].sort());
    assert.match(result!.messages.find((m) => m.line === 2)!.message, /deterministic sandbox: no Node built-ins or I\/O packages/);
  });
});
