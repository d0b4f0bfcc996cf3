// openEmbeddedTransport: one engine per database file per process, shared by every connection to
// it and closed with the last; its options are checked by name.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedTransport, type EmbeddedEngineOptions } from '@endure/embedded';

const dir = mkdtempSync(join(tmpdir(), 'endure-embedded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('openEmbeddedTransport', () => {
  it('shares one engine between the connections to a file and closes it with the last', async () => {
    const path = join(dir, 'shared.db');
    const a = await openEmbeddedTransport(path);
    const b = await openEmbeddedTransport(path);
    assert.equal(a.engine, b.engine);
    assert.equal(a.address, `sqlite:${path}`);
    await a.close();
    assert.deepEqual(b.health(), { status: 'serving' });
    assert.ok(await b.api.describeNamespace({ namespace: 'default' }));
    await b.close();
    assert.deepEqual(b.health(), { status: 'closed' });
  });

  it('refuses an option it does not have, by name, and a payload limit that is not a positive whole number', async () => {
    const path = join(dir, 'options.db');
    await assert.rejects(openEmbeddedTransport(path, { clocks: {} } as EmbeddedEngineOptions), /'clocks' is not an option of EmbeddedOptions; the options are: clock, maxPayloadBytes, timerHorizonMs/);
    await assert.rejects(openEmbeddedTransport(path, { maxPayloadBytes: 1.5 }), /embedded\.maxPayloadBytes must be a positive whole number of bytes, got 1\.5/);
  });
});
