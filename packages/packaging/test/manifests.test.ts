// Every public package.json has the shape that packs into an installable tarball: checked from
// the built dist, without packing (the install test does that).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPublicPackages, publicPackages, withInternalDependencies } from '../src/index.js';

describe('public package manifests', () => {
  it('have metadata, both builds in exports with their types, and every import declared', async () => {
    assert.deepEqual(await checkPublicPackages(), []);
  });

  it('are all the packages but bench, integration, crash-tests, simulator and packaging', () => {
    const names = publicPackages().map((p) => p.manifest.name.replace('@endure/', '')).sort();
    assert.deepEqual(names, ['activity', 'client', 'common', 'core', 'embedded', 'engine', 'envconfig', 'protocol', 'server', 'storage', 'store-postgres', 'store-sqlite', 'testing', 'transport', 'worker', 'workflow']);
  });

  it('let an HTTP client install without the engine: the embedded engine comes with worker, testing and server', () => {
    assert.deepEqual(withInternalDependencies(['@endure/client']), ['@endure/client', '@endure/common', '@endure/protocol', '@endure/transport']);
    for (const p of ['@endure/worker', '@endure/testing', '@endure/server']) assert.ok(withInternalDependencies([p]).includes('@endure/embedded'), p);
    const transport = publicPackages().find((p) => p.manifest.name === '@endure/transport')!.manifest;
    assert.deepEqual(transport.peerDependenciesMeta, { '@endure/embedded': { optional: true } });
  });
});
