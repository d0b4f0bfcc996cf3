import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HistoryEvent } from '@endure/protocol';
import { Worker } from '@endure/worker';
import { workflowsPath } from '../src/harness.js';

const dir = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replay compatibility: recorded histories replay on the current code', () => {
  it('has fixtures to replay', () => assert.ok(files.length >= 9, `found ${files.length}`));
  for (const f of files) {
    it(f, async () => {
      const { module, events } = JSON.parse(readFileSync(dir + f, 'utf8')) as { module: string; events: HistoryEvent[] };
      await Worker.runReplayHistory({ workflowsPath: workflowsPath(module) }, events, f);
    });
  }
});
