// Signed task tokens: only tokens this engine issued, unaltered, from a key it still holds and
// for a task that is still current, complete anything. Real SQLite files, real restarts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type ActivityTask, type Command } from '@endure/protocol';
import type { Engine } from '../src/index.js';
import { completeTask, nextTask, openEngine, p, tempDir } from './support.js';

const dir = tempDir();
const ns = 'default';
const q = 'tokens';
const schedule: Command = { type: 'ScheduleActivity', seq: 1, activityId: 'a1', activityType: 'charge', args: [], timeouts: { startToCloseTimeoutMs: 60_000 }, retryPolicy: {} };

/** Starts a run whose first workflow task schedules one activity; returns that activity's task. */
async function runningActivity(engine: Engine, workflowId: string): Promise<ActivityTask> {
  await engine.startWorkflow({ namespace: ns, workflowId, workflowType: 'w', taskQueue: q, input: [] });
  await completeTask(engine, ns, q, [schedule]);
  const a = await engine.pollActivityTask({ namespace: ns, taskQueue: q, identity: 'test', timeoutMs: 2000 });
  assert.ok(a);
  return a;
}

/** The refusal's message, checked to be the caller's error (INVALID_ARGUMENT) and to name the field. */
async function refusal(call: Promise<unknown>, code: ApiError['code'] = 'INVALID_ARGUMENT'): Promise<string> {
  try {
    await call;
  } catch (e) {
    assert.ok(e instanceof ApiError, `an ApiError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e.message;
  }
  assert.fail('the token was accepted');
}

/** The activity is still pending: nothing was completed in its name. */
async function stillPending(engine: Engine, workflowId: string): Promise<void> {
  const d = await engine.describeWorkflow({ namespace: ns, workflowId });
  assert.equal(d.pendingActivities?.length, 1, 'the activity is still pending');
  const h = await engine.getHistory({ namespace: ns, workflowId });
  assert.ok(!h.events.some((e) => e.type === 'ActivityTaskCompleted'), 'no completion was recorded');
}

/** A token with one field of its payload changed, its key id and signature kept. */
function altered(token: string, change: (fields: unknown[]) => void): string {
  const [keyId, payload, signature] = token.split('.') as [string, string, string];
  const fields = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown[];
  change(fields);
  return `${keyId}.${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${signature}`;
}

describe('task tokens', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses forged tokens (hand-made JSON, old unsigned form, made-up signature), completing nothing', async () => {
    const { engine, close } = await openEngine(join(dir, 'forged.db'));
    try {
      const a = await runningActivity(engine, 'forged');
      const d = await engine.describeWorkflow({ namespace: ns, workflowId: 'forged' });
      // What a caller who knows the ids could make by hand: the unsigned form tokens had before.
      const unsigned = Buffer.from(JSON.stringify([ns, 'forged', d.runId, 'activity', 1, 1, 1, ''])).toString('base64url');
      assert.match(await refusal(engine.completeActivityTask({ taskToken: unsigned, result: p('forged') })), /^taskToken: not a task token issued by this engine/);
      assert.match(await refusal(engine.completeActivityTask({ taskToken: 'a.b.c.d', result: p('forged') })), /^taskToken: not a task token issued by this engine/);
      // The signed form, with this engine's real key id and a signature guessed.
      const [keyId, payload] = a.taskToken.split('.') as [string, string];
      const guessed = `${keyId}.${payload}.${Buffer.alloc(32, 7).toString('base64url')}`;
      assert.match(await refusal(engine.completeActivityTask({ taskToken: guessed, result: p('forged') })), /^taskToken: the signature does not match: the token was altered or forged/);
      await stillPending(engine, 'forged');
      await engine.completeActivityTask({ taskToken: a.taskToken, result: p('real') });
    } finally {
      await close();
    }
  });

  it('refuses a token with any one field changed and its signature kept', async () => {
    const { engine, close } = await openEngine(join(dir, 'altered.db'));
    try {
      const a = await runningActivity(engine, 'altered');
      await runningActivity(engine, 'other');
      // [instance, namespace, workflowId, runId, kind, seq, attempt, dispatchId, queryId]
      const changes: [string, (f: unknown[]) => void][] = [
        ['workflowId', (f) => (f[2] = 'other')],
        ['attempt', (f) => (f[6] = 2)],
        ['seq', (f) => (f[5] = 2)],
        ['dispatch', (f) => (f[7] = (f[7] as number) + 1)],
        ['instance', (f) => (f[0] = 'earlier')],
        ['kind', (f) => (f[4] = 'wft')],
      ];
      for (const [field, change] of changes) {
        const message = await refusal(engine.completeActivityTask({ taskToken: altered(a.taskToken, change), result: p(field) }));
        assert.match(message, /^taskToken: the signature does not match/, field);
      }
      const otherKey = `${'zz'}${a.taskToken.slice(a.taskToken.indexOf('.'))}`;
      assert.match(await refusal(engine.completeActivityTask({ taskToken: otherKey, result: p('kid') })), /signed with key 'zz', which this engine does not hold/);
      await stillPending(engine, 'altered');
      await stillPending(engine, 'other');
    } finally {
      await close();
    }
  });

  it("refuses tokens signed with another database's key", async () => {
    const mine = await openEngine(join(dir, 'mine.db'));
    const theirs = await openEngine(join(dir, 'theirs.db'));
    try {
      await runningActivity(mine.engine, 'same-ids');
      // The same workflow id, and the same run shape, in another database.
      const foreign = await runningActivity(theirs.engine, 'same-ids');
      const message = await refusal(mine.engine.completeActivityTask({ taskToken: foreign.taskToken, result: p('foreign') }));
      assert.match(message, /^taskToken: signed with key '[\w-]+', which this engine does not hold: the token comes from another database, or its key was retired by a rotation/);
      await stillPending(mine.engine, 'same-ids');
      const wft = await theirs.engine.startWorkflow({ namespace: ns, workflowId: 'wf-foreign', workflowType: 'w', taskQueue: 'elsewhere', input: [] });
      assert.ok(wft.runId);
      const t = await nextTask(theirs.engine, ns, 'elsewhere');
      assert.match(await refusal(mine.engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [], sawUpTo: t.lastEventId, time: 0 })), /does not hold/);
      assert.match(await refusal(mine.engine.releaseTask({ taskToken: t.taskToken })), /does not hold/);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it('refuses replayed tokens: a completed activity, a completed workflow task', async () => {
    const { engine, close } = await openEngine(join(dir, 'replayed.db'));
    try {
      const a = await runningActivity(engine, 'replayed');
      await engine.completeActivityTask({ taskToken: a.taskToken, result: p(1) });
      const again = await refusal(engine.completeActivityTask({ taskToken: a.taskToken, result: p(2) }), 'NOT_FOUND');
      assert.match(again, /activity task not found: activity 1 of workflow replayed already completed/);
      await assert.rejects(engine.heartbeatActivityTask({ taskToken: a.taskToken }), /activity task not found/);
      const t = await nextTask(engine, ns, q);
      await engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [], sawUpTo: t.lastEventId, time: Date.now() });
      const reused = await refusal(engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [{ type: 'CompleteWorkflow', result: p('twice') }], sawUpTo: t.lastEventId, time: 0 }), 'FAILED_PRECONDITION');
      assert.match(reused, /this workflow task is no longer current/);
      const h = await engine.getHistory({ namespace: ns, workflowId: 'replayed' });
      assert.equal(h.events.filter((e) => e.type === 'ActivityTaskCompleted').length, 1);
      assert.ok(!h.events.some((e) => e.type === 'WorkflowExecutionCompleted'), 'the reused token completed nothing');
    } finally {
      await close();
    }
  });

  it('after a restart: an activity still running completes with its old token; an old workflow task token is refused though its dispatch number came round again', async () => {
    const file = join(dir, 'restart.db');
    let first = await openEngine(file);
    await first.engine.startWorkflow({ namespace: ns, workflowId: 'restart-wft', workflowType: 'w', taskQueue: 'wft-only', input: [] });
    const before = await nextTask(first.engine, ns, 'wft-only');
    const a = await runningActivity(first.engine, 'restart-act');
    await first.close();

    first = await openEngine(file);
    try {
      const engine = first.engine;
      const after = await nextTask(engine, ns, 'wft-only');
      // Dispatch numbers start again at each engine start: only the instance tells the two apart.
      const dispatchOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as unknown[])[7];
      assert.equal(dispatchOf(after.taskToken), dispatchOf(before.taskToken), 'the same dispatch number, handed out again');
      const stale = await refusal(engine.completeWorkflowTask({ taskToken: before.taskToken, commands: [{ type: 'CompleteWorkflow', result: p('stale') }], sawUpTo: before.lastEventId, time: 0 }), 'FAILED_PRECONDITION');
      assert.match(stale, /no longer current \(it timed out, or the engine restarted\)/);
      await engine.releaseTask({ taskToken: before.taskToken }); // not held here: a no-op, not a release of `after`
      await engine.completeWorkflowTask({ taskToken: after.taskToken, commands: [{ type: 'CompleteWorkflow', result: p('current') }], sawUpTo: after.lastEventId, time: Date.now() });

      // The activity kept running through the restart: its result counts (at-least-once).
      await engine.heartbeatActivityTask({ taskToken: a.taskToken });
      await engine.completeActivityTask({ taskToken: a.taskToken, result: p('survived') });
      const h = await engine.getHistory({ namespace: ns, workflowId: 'restart-act' });
      assert.equal(h.events.filter((e) => e.type === 'ActivityTaskCompleted').length, 1);
    } finally {
      await first.close();
    }
  });

  it('rotation keeps in-flight tokens valid, refuses those of a retired key, and survives a restart', async () => {
    const file = join(dir, 'rotation.db');
    let open = await openEngine(file);
    try {
      const a1 = await runningActivity(open.engine, 'rot-1');
      const a2 = await runningActivity(open.engine, 'rot-2');
      const a3 = await runningActivity(open.engine, 'rot-3');
      const firstKey = a1.taskToken.split('.')[0]!;

      const r1 = await open.engine.rotateTokenKey({});
      assert.notEqual(r1.keyId, firstKey);
      assert.deepEqual(r1, { keyId: r1.keyId, acceptedKeyIds: [r1.keyId, firstKey], retiredKeyIds: [] });
      await open.engine.completeActivityTask({ taskToken: a1.taskToken, result: p('in flight') });
      const b = await runningActivity(open.engine, 'rot-new');
      assert.equal(b.taskToken.split('.')[0], r1.keyId, 'new tokens are signed with the new key');

      // The ring is in the database: a restart accepts the same keys.
      await open.close();
      open = await openEngine(file);
      await open.engine.heartbeatActivityTask({ taskToken: a2.taskToken });

      const r2 = await open.engine.rotateTokenKey({});
      assert.deepEqual(r2.acceptedKeyIds, [r2.keyId, r1.keyId]);
      assert.deepEqual(r2.retiredKeyIds, [firstKey]);
      const retired = await refusal(open.engine.completeActivityTask({ taskToken: a3.taskToken, result: p('too late') }));
      assert.match(retired, new RegExp(`signed with key '${firstKey}', which this engine does not hold: .*retired by a rotation \\(endure operator rotate-token-key\\)`));
      await stillPending(open.engine, 'rot-3');
      await open.engine.completeActivityTask({ taskToken: b.taskToken, result: p('one rotation old') });
    } finally {
      await open.close();
    }
  });
});
