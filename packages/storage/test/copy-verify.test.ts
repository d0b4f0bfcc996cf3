// The check after a copy catches a target that did not keep what it was given: a store that
// loses rows or alters a record on import (a fault put into the reference store) fails the copy,
// naming each run and what differs.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CopyVerificationError, copyStore } from '../src/copy-store.js';
import { MemoryStore, emptyData } from '../src/memory-store.js';
import type { ImportRun } from '../src/port.js';
import { populate } from '../src/conformance/copy-fixtures.js';

/** Imports runs, but drops the sleeper's timers and changes the state of the run `done`. */
class LossyStore extends MemoryStore {
  override importRun(r: ImportRun): Promise<void> {
    if (r.record.workflowId === 'sleeper') return super.importRun({ ...r, timers: [] });
    if (r.record.workflowId === 'done') return super.importRun({ ...r, record: { ...r.record, state: '{}' } });
    return super.importRun(r);
  }
}

void it('a target that lost or altered what it was given fails the copy, naming each difference', async () => {
  const source = new MemoryStore(emptyData());
  await populate(source);
  await assert.rejects(copyStore(source, new LossyStore(emptyData())), (e: unknown) => {
    assert.ok(e instanceof CopyVerificationError, String(e));
    assert.deepEqual(e.differences.sort(), [
      'run default/done/r1 has another record in the target',
      'run default/sleeper/r1 has timers 0 in the target, 2 in the source',
      'the target has 2 timer rows, the source 4',
    ]);
    assert.match(e.message, /^the copy does not match its source: /);
    return true;
  });
});
