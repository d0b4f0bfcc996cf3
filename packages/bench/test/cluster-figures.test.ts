import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perSecond, recoveredAfter } from '../src/cluster-kill.js';
import { rotated } from '../src/cluster-env.js';

test('each worker and connection lists every node, its own first', () => {
  const a = ['http://a:1', 'http://b:2', 'http://c:3'];
  assert.equal(rotated(a, 0), 'http://a:1,http://b:2,http://c:3');
  assert.equal(rotated(a, 1), 'http://b:2,http://c:3,http://a:1');
  assert.equal(rotated(a, 2), 'http://c:3,http://a:1,http://b:2');
});

test('completions are counted as steps in whole seconds around the kill', () => {
  const killedAt = 100_000;
  const series = perSecond([killedAt - 1500, killedAt - 200, killedAt + 10, killedAt + 999, killedAt + 1000], killedAt);
  assert.equal(series.get(-2), 3);
  assert.equal(series.get(-1), 3);
  assert.equal(series.get(0), 6);
  assert.equal(series.get(1), 3);
  assert.equal(series.get(2), 0);
});

test('recovery is the end of the first second that starts three good seconds in a row', () => {
  const series = new Map<number, number>();
  for (let s = -15; s < 30; s++) series.set(s, 1000);
  for (const s of [0, 1, 2, 3]) series.set(s, 0);
  series.set(4, 900); // one good second, then a dip: not yet recovered
  series.set(5, 100);
  assert.equal(recoveredAfter(series, 800), 7);
  series.set(5, 800);
  assert.equal(recoveredAfter(series, 800), 5);
  for (let s = 0; s < 30; s++) series.set(s, 0);
  assert.equal(recoveredAfter(series, 800), undefined);
});
