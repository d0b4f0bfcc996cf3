// Every options table of every public package (see @endure/common options.ts): each refused
// option, and a name that is no option at all, is refused by the real call with an
// UnsupportedOptionError naming it; each honoured option names a test file that exists and
// mentions it. A table without an invoker (src/option-invokers) fails here, so no options type
// escapes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registeredOptionTables, UnsupportedOptionError } from '@endure/common';
import { TestEnv } from '../src/harness.js';
import { optionInvokers } from '../src/option-invokers/index.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Imports every public package of the repository, so each registers its tables. */
async function importPublicPackages(): Promise<string[]> {
  const names: string[] = [];
  for (const dir of readdirSync(join(repoRoot, 'packages'))) {
    const file = join(repoRoot, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean; exports?: unknown };
    if (pkg.private || !pkg.exports) continue;
    await import(pkg.name);
    names.push(pkg.name);
  }
  return names;
}

const imported = await importPublicPackages();
const tables = registeredOptionTables();

const namesIt = (option: string) => (e: unknown) => e instanceof UnsupportedOptionError && e.option === option && e.message.includes(`'${option}'`);

describe('options tables', () => {
  let env: TestEnv;
  before(async () => {
    env = await TestEnv.create();
  });
  after(() => env.close());

  it('every public package was loaded, and every table has an invoker and a type of its own', () => {
    assert.ok(imported.includes('@endure/client') && imported.includes('@endure/worker'), imported.join(', '));
    const types = tables.map((t) => t.type);
    assert.deepEqual(types.filter((t, i) => types.indexOf(t) !== i), [], 'two tables share an options type name');
    const missing = types.filter((t) => !Object.hasOwn(optionInvokers, t));
    assert.deepEqual(missing, [], 'tables without an invoker in packages/integration/src/option-invokers');
    const stale = Object.keys(optionInvokers).filter((t) => !types.includes(t));
    assert.deepEqual(stale, [], 'invokers without a table');
  });

  for (const { type, where, table } of tables) {
    const invoke = Object.hasOwn(optionInvokers, type) ? optionInvokers[type] : undefined;
    const refused = Object.keys(table).filter((o) => 'refused' in table[o]!);
    const honoured = Object.keys(table).filter((o) => 'honoured' in table[o]!);

    it(`${type} (${where}): refuses ${refused.length ? refused.join(', ') + ' and ' : ''}unknown names at the call, naming them`, { skip: invoke ? false : 'no invoker (see the test above)' }, async () => {
      for (const option of refused) await assert.rejects(invoke!(env, { [option]: true }), namesIt(option), `${where}: ${option}`);
      const unknown = 'notAnOptionOfEndure';
      await assert.rejects(invoke!(env, { [unknown]: 1 }), (e: unknown) => namesIt(unknown)(e) && (e as Error).message.includes(`is not an option of ${type}`));
    });

    it(`${type} (${where}): each honoured option names a test that shows it`, () => {
      for (const option of honoured) {
        const test = (table[option] as { honoured: string }).honoured;
        const path = join(repoRoot, test);
        assert.ok(existsSync(path), `${type}.${option}: ${test} does not exist`);
        assert.ok(readFileSync(path, 'utf8').includes(option), `${type}.${option}: ${test} does not mention ${option}`);
      }
    });
  }
});
