// listWorkflows/countWorkflows filters: every operator on every system field and every custom
// type, over five hand-made runs whose expected matches are written out by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterExpr } from '@endure/protocol';
import { ListQueryError, type CreateWorkflow, type Store } from '../port.js';
import type { WithStore } from './harness.js';
import { rejectsWith } from './fixtures.js';
import { and, between, cmp, custom, eq, idsOf, isIn, isNull, listAll, or, runOf, startsWith, sys } from './list-fixtures.js';

const T = 1_700_000_000_000;
const KW = custom('CustomKeywordField', 'Keyword');
const TEXT = custom('CustomTextField', 'Text');
const INT = custom('CustomIntField', 'Int');
const DBL = custom('CustomDoubleField', 'Double');
const BOOL = custom('CustomBoolField', 'Bool');
const DT = custom('CustomDatetimeField', 'Datetime');
const TAGS = custom('Tags', 'KeywordList');

/** Start times a < b < c < d < e; HistoryLength a1 b3 c5 d2 e4; d has no custom attributes, e an empty list. */
export const FIVE_RUNS: CreateWorkflow[] = [
  runOf('a', { workflowType: 'order', taskQueue: 'q1', startTime: T + 1, history: 1, searchAttributes: { CustomKeywordField: 'red', CustomTextField: 'hello world', CustomIntField: 5, CustomDoubleField: 1.5, CustomBoolField: true, CustomDatetimeField: T, Tags: ['x', 'y'] } }),
  runOf('b', { workflowType: 'order', taskQueue: 'q2', status: 'COMPLETED', startTime: T + 2, closeTime: T + 100, history: 3, searchAttributes: { CustomKeywordField: 'blue', CustomIntField: -3, CustomDoubleField: 2.25, CustomBoolField: false, CustomDatetimeField: T + 1000, Tags: ['y'] } }),
  runOf('c', { workflowType: 'refund', taskQueue: 'q1', status: 'FAILED', startTime: T + 3, closeTime: T + 50, history: 5, searchAttributes: { CustomKeywordField: 'redish', CustomIntField: 10, Tags: ['z'] } }),
  runOf('d', { workflowType: 'refund', taskQueue: 'q2', startTime: T + 4, history: 2 }),
  runOf('e', { workflowType: 'ship', taskQueue: 'q1', status: 'TERMINATED', startTime: T + 5, closeTime: T + 200, history: 4, searchAttributes: { CustomIntField: 5, Tags: [] } }),
];

type Case = [label: string, filter: FilterExpr, expected: string];

const SYSTEM_CASES: Case[] = [
  ['WorkflowId =', eq(sys('WorkflowId'), 'b'), 'b'],
  ['WorkflowId !=', cmp(sys('WorkflowId'), '!=', 'b'), 'acde'],
  ['WorkflowId <', cmp(sys('WorkflowId'), '<', 'c'), 'ab'],
  ['WorkflowId >=', cmp(sys('WorkflowId'), '>=', 'c'), 'cde'],
  ['WorkflowId IN', isIn(sys('WorkflowId'), ['a', 'e', 'zz']), 'ae'],
  ['WorkflowId NOT IN', isIn(sys('WorkflowId'), ['a', 'e'], true), 'bcd'],
  ['WorkflowId BETWEEN', between(sys('WorkflowId'), 'b', 'd'), 'bcd'],
  ['WorkflowId NOT BETWEEN', between(sys('WorkflowId'), 'b', 'd', true), 'ae'],
  ['WorkflowId STARTS_WITH', startsWith(sys('WorkflowId'), 'b'), 'b'],
  ['WorkflowId STARTS_WITH empty', startsWith(sys('WorkflowId'), ''), 'abcde'],
  ['WorkflowId IS NULL', isNull(sys('WorkflowId')), ''],
  ['WorkflowId IS NOT NULL', isNull(sys('WorkflowId'), true), 'abcde'],
  ['RunId =', eq(sys('RunId'), 'r-c'), 'c'],
  ['RunId IN', isIn(sys('RunId'), ['r-a', 'r-d']), 'ad'],
  ['RunId STARTS_WITH', startsWith(sys('RunId'), 'r-'), 'abcde'],
  ['WorkflowType =', eq(sys('WorkflowType'), 'order'), 'ab'],
  ['WorkflowType !=', cmp(sys('WorkflowType'), '!=', 'order'), 'cde'],
  ['WorkflowType >', cmp(sys('WorkflowType'), '>', 'order'), 'cde'],
  ['WorkflowType <=', cmp(sys('WorkflowType'), '<=', 'order'), 'ab'],
  ['WorkflowType IN', isIn(sys('WorkflowType'), ['refund', 'ship']), 'cde'],
  ['WorkflowType STARTS_WITH', startsWith(sys('WorkflowType'), 're'), 'cd'],
  ['ExecutionStatus =', eq(sys('ExecutionStatus'), 'RUNNING'), 'ad'],
  ['ExecutionStatus !=', cmp(sys('ExecutionStatus'), '!=', 'RUNNING'), 'bce'],
  ['ExecutionStatus IN', isIn(sys('ExecutionStatus'), ['COMPLETED', 'FAILED']), 'bc'],
  ['ExecutionStatus NOT IN', isIn(sys('ExecutionStatus'), ['RUNNING'], true), 'bce'],
  ['TaskQueue =', eq(sys('TaskQueue'), 'q1'), 'ace'],
  ['TaskQueue !=', cmp(sys('TaskQueue'), '!=', 'q1'), 'bd'],
  ['StartTime =', eq(sys('StartTime'), T + 5), 'e'],
  ['StartTime !=', cmp(sys('StartTime'), '!=', T + 1), 'bcde'],
  ['StartTime >', cmp(sys('StartTime'), '>', T + 3), 'de'],
  ['StartTime <', cmp(sys('StartTime'), '<', T + 3), 'ab'],
  ['StartTime <=', cmp(sys('StartTime'), '<=', T + 2), 'ab'],
  ['StartTime >=', cmp(sys('StartTime'), '>=', T + 4), 'de'],
  ['StartTime IN', isIn(sys('StartTime'), [T + 1, T + 5]), 'ae'],
  ['StartTime BETWEEN (inclusive)', between(sys('StartTime'), T + 2, T + 4), 'bcd'],
  ['StartTime NOT BETWEEN', between(sys('StartTime'), T + 2, T + 4, true), 'ae'],
  ['CloseTime IS NULL (running)', isNull(sys('CloseTime')), 'ad'],
  ['CloseTime IS NOT NULL', isNull(sys('CloseTime'), true), 'bce'],
  ['CloseTime =', eq(sys('CloseTime'), T + 50), 'c'],
  ['CloseTime != (open runs never match)', cmp(sys('CloseTime'), '!=', T + 100), 'ce'],
  ['CloseTime >', cmp(sys('CloseTime'), '>', T + 60), 'be'],
  ['CloseTime <', cmp(sys('CloseTime'), '<', T + 150), 'bc'],
  ['CloseTime BETWEEN', between(sys('CloseTime'), T, T + 1000), 'bce'],
  ['CloseTime NOT BETWEEN', between(sys('CloseTime'), T + 60, T + 150, true), 'ce'],
  ['CloseTime NOT IN', isIn(sys('CloseTime'), [T + 50], true), 'be'],
  ['HistoryLength =', eq(sys('HistoryLength'), 1), 'a'],
  ['HistoryLength !=', cmp(sys('HistoryLength'), '!=', 3), 'acde'],
  ['HistoryLength >', cmp(sys('HistoryLength'), '>', 2), 'bce'],
  ['HistoryLength <', cmp(sys('HistoryLength'), '<', 3), 'ad'],
  ['HistoryLength <=', cmp(sys('HistoryLength'), '<=', 2), 'ad'],
  ['HistoryLength >=', cmp(sys('HistoryLength'), '>=', 4), 'ce'],
  ['HistoryLength IN', isIn(sys('HistoryLength'), [1, 5]), 'ac'],
  ['HistoryLength BETWEEN', between(sys('HistoryLength'), 2, 4), 'bde'],
];

const CUSTOM_CASES: Case[] = [
  ['Keyword =', eq(KW, 'red'), 'a'],
  ['Keyword != (runs without it never match)', cmp(KW, '!=', 'red'), 'bc'],
  ['Keyword <', cmp(KW, '<', 'red'), 'b'],
  ['Keyword >', cmp(KW, '>', 'red'), 'c'],
  ['Keyword <=', cmp(KW, '<=', 'red'), 'ab'],
  ['Keyword >=', cmp(KW, '>=', 'red'), 'ac'],
  ['Keyword IN', isIn(KW, ['red', 'blue', 'green']), 'ab'],
  ['Keyword NOT IN', isIn(KW, ['red'], true), 'bc'],
  ['Keyword BETWEEN', between(KW, 'c', 'redz'), 'ac'],
  ['Keyword NOT BETWEEN', between(KW, 'c', 'redz', true), 'b'],
  ['Keyword STARTS_WITH', startsWith(KW, 'red'), 'ac'],
  ['Keyword IS NULL', isNull(KW), 'de'],
  ['Keyword IS NOT NULL', isNull(KW, true), 'abc'],
  ['Text =', eq(TEXT, 'hello world'), 'a'],
  ['Text !=', cmp(TEXT, '!=', 'x'), 'a'],
  ['Text IN', isIn(TEXT, ['hello world']), 'a'],
  ['Text IS NULL', isNull(TEXT), 'bcde'],
  ['Int =', eq(INT, 5), 'ae'],
  ['Int !=', cmp(INT, '!=', 5), 'bc'],
  ['Int <', cmp(INT, '<', 5), 'b'],
  ['Int >', cmp(INT, '>', 5), 'c'],
  ['Int <=', cmp(INT, '<=', 5), 'abe'],
  ['Int >=', cmp(INT, '>=', 5), 'ace'],
  ['Int IN', isIn(INT, [-3, 10]), 'bc'],
  ['Int NOT IN', isIn(INT, [5], true), 'bc'],
  ['Int BETWEEN', between(INT, 0, 10), 'ace'],
  ['Int NOT BETWEEN', between(INT, 0, 9, true), 'bc'],
  ['Int IS NULL', isNull(INT), 'd'],
  ['Double =', eq(DBL, 1.5), 'a'],
  ['Double !=', cmp(DBL, '!=', 2.25), 'a'],
  ['Double >', cmp(DBL, '>', 1.5), 'b'],
  ['Double <', cmp(DBL, '<', 2.5), 'ab'],
  ['Double >=', cmp(DBL, '>=', 2.25), 'b'],
  ['Double <=', cmp(DBL, '<=', 1.5), 'a'],
  ['Double IN', isIn(DBL, [2.25]), 'b'],
  ['Double NOT IN', isIn(DBL, [2.25], true), 'a'],
  ['Double BETWEEN', between(DBL, 1, 2), 'a'],
  ['Double NOT BETWEEN', between(DBL, 1, 2, true), 'b'],
  ['Double IS NULL', isNull(DBL), 'cde'],
  ['Bool = true', eq(BOOL, true), 'a'],
  ['Bool = false', eq(BOOL, false), 'b'],
  ['Bool !=', cmp(BOOL, '!=', true), 'b'],
  ['Bool IN', isIn(BOOL, [true, false]), 'ab'],
  ['Bool NOT IN', isIn(BOOL, [false], true), 'a'],
  ['Bool IS NULL', isNull(BOOL), 'cde'],
  ['Datetime =', eq(DT, T), 'a'],
  ['Datetime !=', cmp(DT, '!=', T), 'b'],
  ['Datetime >', cmp(DT, '>', T), 'b'],
  ['Datetime >=', cmp(DT, '>=', T + 1), 'b'],
  ['Datetime <', cmp(DT, '<', T + 1000), 'a'],
  ['Datetime <=', cmp(DT, '<=', T), 'a'],
  ['Datetime IN', isIn(DT, [T + 1000]), 'b'],
  ['Datetime BETWEEN', between(DT, T, T + 1000), 'ab'],
  ['Datetime NOT BETWEEN', between(DT, T + 1, T + 2000, true), 'a'],
  ['Datetime IS NOT NULL', isNull(DT, true), 'ab'],
  ['KeywordList = (contains)', eq(TAGS, 'y'), 'ab'],
  ['KeywordList = another element', eq(TAGS, 'x'), 'a'],
  ['KeywordList != (does not contain)', cmp(TAGS, '!=', 'y'), 'c'],
  ['KeywordList != x', cmp(TAGS, '!=', 'x'), 'bc'],
  ['KeywordList IN (contains any)', isIn(TAGS, ['x', 'z']), 'ac'],
  ['KeywordList NOT IN (contains none)', isIn(TAGS, ['x', 'z'], true), 'b'],
  ['KeywordList IS NULL (an empty list counts as absent)', isNull(TAGS), 'de'],
  ['KeywordList IS NOT NULL', isNull(TAGS, true), 'abc'],
  ['KeywordList STARTS_WITH (any element)', startsWith(TAGS, 'z'), 'c'],
  ['KeywordList BETWEEN (any element)', between(TAGS, 'y', 'z'), 'abc'],
];

const NESTING_CASES: Case[] = [
  ['type AND status', and(eq(sys('WorkflowType'), 'order'), eq(sys('ExecutionStatus'), 'RUNNING')), 'a'],
  ['system OR custom', or(eq(sys('WorkflowType'), 'refund'), eq(KW, 'red')), 'acd'],
  ['(A OR B) AND (C OR D)', and(or(eq(sys('WorkflowType'), 'order'), eq(sys('WorkflowType'), 'ship')), or(eq(INT, 5), isNull(sys('CloseTime')))), 'ae'],
  [
    'three levels',
    or(and(eq(sys('TaskQueue'), 'q1'), or(cmp(sys('HistoryLength'), '>', 4), eq(TAGS, 'x'))), and(eq(sys('ExecutionStatus'), 'RUNNING'), isNull(KW))),
    'acd',
  ],
  ['custom AND custom', and(eq(INT, 5), isNull(KW, true)), 'a'],
  ['custom equality AND a negation', and(eq(TAGS, 'y'), cmp(KW, '!=', 'blue')), 'a'],
  ['empty AND matches all', and(), 'abcde'],
  ['empty OR matches none', or(), ''],
  ['single-element AND', and(eq(sys('WorkflowId'), 'd')), 'd'],
];

/** Lists (in pages of 2) and counts; compares sorted ids to `expected` (one letter per run). */
async function expectMatches(store: Store, [label, filter, expected]: Case): Promise<void> {
  const listed = idsOf(await listAll(store, 'default', filter, 2));
  assert.deepEqual([...listed].sort().join(''), expected, `${label}: listed ${listed.join(',')}`);
  assert.equal(await store.countWorkflows('default', filter), expected.length, `${label}: count`);
}

export function listFilterSuite(withStore: WithStore): void {
  void describe('listWorkflows filters', () => {
    const table = (name: string, cases: Case[]) =>
      it(`${name} (${cases.length} cases)`, () =>
        withStore(async ({ store }) => {
          for (const c of FIVE_RUNS) await store.createWorkflow(c);
          for (const c of cases) await expectMatches(store, c);
        }));
    void table('every operator on every system field', SYSTEM_CASES);
    void table('every operator on every custom search attribute type', CUSTOM_CASES);
    void table('AND/OR nesting', NESTING_CASES);

    void it('no filter lists every run of the namespace, newest start first, records with their search attributes', () =>
      withStore(async ({ store }) => {
        for (const c of FIVE_RUNS) await store.createWorkflow(c);
        const all = await listAll(store, 'default');
        assert.deepEqual(idsOf(all), ['e', 'd', 'c', 'b', 'a']);
        assert.deepEqual(all, [...FIVE_RUNS].reverse().map((c) => c.record));
        assert.equal(await store.countWorkflows('default'), 5);
        assert.deepEqual((await store.getWorkflow({ namespace: 'default', workflowId: 'a', runId: 'r-a' }))?.searchAttributes, FIVE_RUNS[0]!.record.searchAttributes);
      }));

    void it('a malformed filter is a ListQueryError naming the problem, for list and count', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(FIVE_RUNS[0]!);
        const bad: [FilterExpr, RegExp][] = [
          [eq(sys('WorkflowId'), 5), /WorkflowId.*not a string/],
          [eq(INT, 'five'), /CustomIntField.*not a finite number/],
          [eq(BOOL, 1), /CustomBoolField.*not a boolean/],
          [eq(sys('StartTime'), Number.NaN), /StartTime/],
          [{ op: 'compare', field: { kind: 'system', name: 'Nope' as 'WorkflowId', type: 'Keyword' }, cmp: '=', value: 'x' }, /'Nope' is not a system search attribute/],
          [{ op: 'compare', field: KW, cmp: '; DROP TABLE' as '=', value: 'x' }, /comparison/],
          [{ op: 'xor' } as unknown as FilterExpr, /filter op 'xor'/],
          [and(...Array.from({ length: 1200 }, () => eq(KW, 'x'))), /more than \d+ conditions/],
        ];
        for (const [filter, message] of bad) {
          await rejectsWith(store.listWorkflows({ namespace: 'default', filter, pageSize: 10 }), ListQueryError, (e) => assert.match(e.message, message));
          await rejectsWith(store.countWorkflows('default', filter), ListQueryError, (e) => assert.match(e.message, message));
        }
        assert.equal(await store.countWorkflows('default'), 1, 'the store still works');
      }));

    void it('a deeply nested filter within the limits works', () =>
      withStore(async ({ store }) => {
        for (const c of FIVE_RUNS) await store.createWorkflow(c);
        let f: FilterExpr = eq(KW, 'red');
        for (let i = 0; i < 60; i++) f = i % 2 ? and(f, isNull(sys('WorkflowId'), true)) : or(f, eq(sys('WorkflowId'), 'zz'));
        assert.deepEqual(idsOf(await listAll(store, 'default', f)), ['a']);
        const wide = or(...Array.from({ length: 900 }, (_, i) => eq(KW, `v${i}`)), eq(KW, 'blue'));
        assert.deepEqual(idsOf(await listAll(store, 'default', wide)), ['b']);
      }));
  });
}
