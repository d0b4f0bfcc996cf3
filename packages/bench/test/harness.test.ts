import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distribution, percentile, target } from '../src/harness.js';
import { whereOf } from '../src/profile-summary.js';

test('percentile uses nearest rank', () => {
  const s = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(s, 50), 50);
  assert.equal(percentile(s, 99), 99);
  assert.equal(percentile(s, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('distribution sorts its input', () => {
  const d = distribution([5, 1, 3, 2, 4]);
  assert.deepEqual([d.n, d.min, d.p50, d.max, d.mean], [5, 1, 3, 5, 3]);
});

test('target passes on the right side of the bound', () => {
  assert.equal(target('p50', '<=', 4, 3.9, 'ms').pass, true);
  assert.equal(target('p50', '<=', 4, 4.1, 'ms').pass, false);
  assert.equal(target('rate', '>=', 5000, 5000, '/s').pass, true);
});

test('profile locations are grouped by package', () => {
  assert.equal(whereOf('file:///x/packages/worker/dist/src/sandbox.js'), '@endure/worker src/sandbox.js');
  assert.equal(whereOf('file:///x/node_modules/zod/v4/core/schemas.js'), 'zod v4/core/schemas.js');
  assert.equal(whereOf(''), '(native/vm)');
});
