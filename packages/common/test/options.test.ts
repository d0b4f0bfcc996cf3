import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkOptions, optionTable, registeredOptionTables, UnsupportedOptionError } from '../src/index.js';

interface Sample {
  taskQueue: string;
  retries?: number;
  legacyMode?: boolean;
}
const table = optionTable<Sample>('SampleOptions', 'sample.call', {
  taskQueue: { honoured: 'packages/common/test/options.test.ts' },
  retries: { honoured: 'packages/common/test/options.test.ts' },
  legacyMode: { refused: 'legacy mode has no meaning here; remove the option' },
});

describe('checkOptions', () => {
  it('accepts honoured options and undefined values of refused ones', () => {
    checkOptions('sample.call', 'SampleOptions', { taskQueue: 'q', retries: 2, legacyMode: undefined }, table);
    checkOptions('sample.call', 'SampleOptions', undefined, table);
  });

  it('refuses a refused option by name, with what to do instead', () => {
    assert.throws(
      () => checkOptions('sample.call', 'SampleOptions', { taskQueue: 'q', legacyMode: false }, table),
      (e: unknown) =>
        e instanceof UnsupportedOptionError &&
        e instanceof TypeError &&
        e.option === 'legacyMode' &&
        e.message === "sample.call: option 'legacyMode' is not supported by Endure: legacy mode has no meaning here; remove the option",
    );
  });

  it('refuses a name that is not an option, listing the options', () => {
    assert.throws(
      () => checkOptions('sample.call', 'SampleOptions', { taskqueue: 'q' }, table),
      /sample\.call: 'taskqueue' is not an option of SampleOptions; the options are: legacyMode, retries, taskQueue/,
    );
  });

  it('registers each table for the options-table test', () => {
    assert.ok(registeredOptionTables().some((t) => t.type === 'SampleOptions' && t.table === table));
  });
});
