// Closing the engine ends every wait in it at once: a server shutting down must not be held
// open by an update, result or history long-poll that would otherwise wait out its timeout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ApiError } from '@endure/protocol';
import { openEngine, tempDir } from './support.js';

describe('engine shutdown', () => {
  it('ends waiting update, result and history calls with UNAVAILABLE', async () => {
    const h = await openEngine(join(tempDir(), 'shutdown.db'));
    const ref = { namespace: 'default', workflowId: 'waits' };
    await h.engine.startWorkflow({ ...ref, workflowType: 'w', taskQueue: 'nobody-polls', input: [] });
    // Settled into values at once, so no rejection is unhandled while the others are checked.
    const settle = (p: Promise<unknown>) => p.then((v) => ({ v }), (e: unknown) => ({ e }));
    const update = settle(h.engine.updateWorkflow({ ...ref, updateId: 'u1', updateName: 'u', args: [], timeoutMs: 60_000 }));
    const result = settle(h.engine.getResult({ ...ref, timeoutMs: 60_000 }));
    const history = settle(h.engine.getHistory({ ...ref, fromEventId: 100, waitNewEvent: true, timeoutMs: 60_000 }));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await h.close();
    const unavailable = (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE';
    const [u, r, hi] = await Promise.all([update, result, history]);
    assert.ok('e' in u && unavailable(u.e), `update: ${JSON.stringify(u)}`);
    assert.ok('e' in r && unavailable(r.e), `result: ${JSON.stringify(r)}`);
    assert.ok(('e' in hi && unavailable(hi.e)) || ('v' in hi && (hi.v as { events: unknown[] }).events.length === 0), 'history ends empty or UNAVAILABLE');
    assert.ok(Date.now() - t0 < 5_000, `all ended within ${Date.now() - t0} ms of close()`);
  });
});
