import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, MAX_FILTER_DEPTH, MAX_FILTER_TERMS, parseListFilter, type FilterExpr, type SearchAttributeType } from '../src/index.js';

const custom: Record<string, SearchAttributeType> = {
  Region: 'Keyword',
  Notes: 'Text',
  Amount: 'Int',
  Score: 'Double',
  Urgent: 'Bool',
  DueAt: 'Datetime',
  Tags: 'KeywordList',
  Order: 'Keyword', // a keyword as a name: usable only backquoted
};
const parse = (q: string) => parseListFilter(q, custom);
const sys = (name: string, type: SearchAttributeType = 'Keyword') => ({ kind: 'system', name, type });
const cus = (name: string) => ({ kind: 'custom', name, type: custom[name] });

/** Asserts the query is refused with INVALID_ARGUMENT at `column`, with a message matching `re`. */
function refuses(q: string, column: number, re: RegExp): void {
  assert.throws(
    () => parse(q),
    (e: unknown) => {
      assert.ok(e instanceof ApiError, `not an ApiError: ${String(e)}`);
      assert.equal(e.code, 'INVALID_ARGUMENT');
      assert.match(e.message, new RegExp(`^invalid query at column ${column}: `), e.message);
      assert.match(e.message, re);
      assert.equal(e.details['column'], column);
      return true;
    },
  );
}

describe('parseListFilter: what it accepts', () => {
  it('treats an empty or blank query as "every run"', () => {
    assert.equal(parse(''), undefined);
    assert.equal(parse('  \n\t '), undefined);
  });

  it('parses each comparison operator on system attributes, <> as !=', () => {
    const ops = ['=', '!=', '<', '>', '<=', '>='] as const;
    for (const op of ops) {
      assert.deepEqual(parse(`WorkflowId ${op} 'a'`), { op: 'compare', field: sys('WorkflowId'), cmp: op, value: 'a' });
    }
    assert.deepEqual(parse("RunId<>'r'"), { op: 'compare', field: sys('RunId'), cmp: '!=', value: 'r' });
    assert.deepEqual(parse('HistoryLength>=10'), { op: 'compare', field: sys('HistoryLength', 'Int'), cmp: '>=', value: 10 });
  });

  it('binds AND tighter than OR, honours parentheses, and flattens chains', () => {
    const a = { op: 'compare', field: sys('WorkflowType'), cmp: '=', value: 'a' };
    const b = { op: 'compare', field: sys('TaskQueue'), cmp: '=', value: 'b' };
    const c = { op: 'compare', field: sys('WorkflowId'), cmp: '=', value: 'c' };
    assert.deepEqual(parse("WorkflowType = 'a' OR TaskQueue = 'b' AND WorkflowId = 'c'"), { op: 'or', args: [a, { op: 'and', args: [b, c] }] });
    assert.deepEqual(parse("(WorkflowType = 'a' OR TaskQueue = 'b') AND WorkflowId = 'c'"), { op: 'and', args: [{ op: 'or', args: [a, b] }, c] });
    assert.deepEqual(parse("WorkflowType = 'a' and (TaskQueue = 'b' AND WorkflowId = 'c')"), { op: 'and', args: [a, b, c] });
    assert.deepEqual(parse("((((WorkflowType = 'a'))))"), a);
  });

  it('parses IN, NOT IN, BETWEEN, NOT BETWEEN, STARTS_WITH, IS NULL and IS NOT NULL, keywords in any case', () => {
    assert.deepEqual(parse("WorkflowType in ('a', 'b')"), { op: 'in', field: sys('WorkflowType'), values: ['a', 'b'], negated: false });
    assert.deepEqual(parse('Amount NOT IN (1,2)'), { op: 'in', field: cus('Amount'), values: [1, 2], negated: true });
    assert.deepEqual(parse('Amount Between 1 AND 5'), { op: 'between', field: cus('Amount'), low: 1, high: 5, negated: false });
    assert.deepEqual(parse('Score not between -1.5 and 2e3'), { op: 'between', field: cus('Score'), low: -1.5, high: 2000, negated: true });
    assert.deepEqual(parse("WorkflowId starts_with 'order-'"), { op: 'startsWith', field: sys('WorkflowId'), prefix: 'order-' });
    assert.deepEqual(parse('CloseTime IS NULL'), { op: 'isNull', field: sys('CloseTime', 'Datetime'), negated: false });
    assert.deepEqual(parse('Region is not null'), { op: 'isNull', field: cus('Region'), negated: true });
  });

  it('normalises values to the attribute type', () => {
    const value = (q: string) => (parse(q) as Extract<FilterExpr, { op: 'compare' }>).value;
    assert.equal(value("StartTime > '2024-05-01T12:00:00Z'"), Date.UTC(2024, 4, 1, 12));
    assert.equal(value("StartTime > '2024-05-01T14:00:00.250+02:00'"), Date.UTC(2024, 4, 1, 12, 0, 0, 250));
    assert.equal(value("DueAt < '2024-05-01'"), Date.UTC(2024, 4, 1));
    assert.equal(value('DueAt < 1714564800000'), 1714564800000, 'epoch milliseconds');
    assert.equal(value('Urgent = TRUE'), true);
    assert.equal(value('Urgent = false'), false);
    assert.equal(value('Score = 3'), 3);
    assert.equal(value("Notes = 'free text'"), 'free text');
    assert.deepEqual(parse("Tags = 'blue'"), { op: 'compare', field: cus('Tags'), cmp: '=', value: 'blue' }, 'a KeywordList = means "contains"');
  });

  it("maps Temporal's execution status names (any case) to ours", () => {
    const pairs = { Running: 'RUNNING', completed: 'COMPLETED', FAILED: 'FAILED', Canceled: 'CANCELED', Terminated: 'TERMINATED', TimedOut: 'TIMED_OUT', ContinuedAsNew: 'CONTINUED_AS_NEW', timed_out: 'TIMED_OUT' };
    for (const [name, status] of Object.entries(pairs)) {
      assert.deepEqual(parse(`ExecutionStatus = '${name}'`), { op: 'compare', field: sys('ExecutionStatus'), cmp: '=', value: status });
    }
    assert.deepEqual(parse(`ExecutionStatus IN ("Running", "Failed")`), { op: 'in', field: sys('ExecutionStatus'), values: ['RUNNING', 'FAILED'], negated: false });
  });

  it('reads strings with either quote, backslash escapes and doubled quotes; backquoted names', () => {
    const value = (q: string) => (parse(q) as Extract<FilterExpr, { op: 'compare' }>).value;
    assert.equal(value(`WorkflowId = "say \\"hi\\""`), 'say "hi"');
    assert.equal(value(`WorkflowId = 'it\\'s'`), "it's");
    assert.equal(value(`WorkflowId = 'it''s'`), "it's");
    assert.equal(value(`WorkflowId = 'a\\\\b\\n\\t'`), 'a\\b\n\t');
    assert.equal(value(`WorkflowId = 'AND OR ( ) 日本'`), 'AND OR ( ) 日本');
    assert.deepEqual(parse('`Order` = \'x\''), { op: 'compare', field: cus('Order'), cmp: '=', value: 'x' });
    assert.deepEqual(parse("`WorkflowType`='t'"), { op: 'compare', field: sys('WorkflowType'), cmp: '=', value: 't' });
  });
});

describe('parseListFilter: what it refuses, and how it says so', () => {
  it('names unknown attributes, lists what exists, and says how to register one', () => {
    refuses("Colour = 'red'", 1, /unknown search attribute 'Colour'\. System attributes: WorkflowId, RunId, WorkflowType, ExecutionStatus.*Custom attributes registered in this namespace: Amount, DueAt.*endure operator search-attribute create --name Colour --type Keyword/);
    refuses("workflowtype = 'x'", 1, /names are case-sensitive\): did you mean 'WorkflowType'\?/);
    assert.throws(() => parseListFilter("Region = 'x'", {}), /Custom attributes registered in this namespace: \(none\)/);
  });

  it('refuses values of the wrong type, naming the attribute, its type and what it wants', () => {
    refuses('WorkflowId = 1', 14, /WorkflowId is a Keyword; expected a string in quotes, e\.g\. 'value', found '1'/);
    refuses("Amount = '3'", 10, /Amount is an Int; expected an integer, e\.g\. 42, found the string '3'/);
    refuses('Amount = 1.5', 10, /expected an integer/);
    refuses("Score > 'high'", 9, /Score is a Double; expected a number/);
    refuses('Urgent = 1', 10, /Urgent is a Bool; expected true or false, found '1'/);
    refuses("DueAt > 'yesterday'", 9, /DueAt is a Datetime; expected an RFC 3339 time in quotes/);
    refuses("DueAt > '2024-05-01T12:00:00'", 9, /RFC 3339/); // a time without a zone is ambiguous
    refuses("ExecutionStatus = 'Done'", 19, /'Done' is not an execution status; use one of 'Running', 'Completed'/);
    refuses('ExecutionStatus = Running', 19, /expected a status in quotes/);
  });

  it('refuses operators the type has no meaning for', () => {
    refuses('Urgent > true', 8, /'>' does not apply to Urgent \(Bool\)/);
    refuses("Notes < 'x'", 7, /does not apply to Notes \(Text\)/);
    refuses("ExecutionStatus STARTS_WITH 'Run'", 17, /STARTS_WITH applies to Keyword attributes only; ExecutionStatus is an execution status/);
    refuses("ExecutionStatus > 'Running'", 17, /does not apply to ExecutionStatus \(an execution status\)/);
    refuses("Tags BETWEEN 'a' AND 'b'", 6, /BETWEEN does not apply to Tags \(KeywordList\)/);
    refuses("Tags >= 'a'", 6, /does not apply to Tags \(KeywordList\)/);
    refuses('Amount STARTS_WITH 1', 8, /STARTS_WITH applies to Keyword attributes only; Amount is an Int/);
    refuses("Region STARTS_WITH 5", 20, /expected a string in quotes after STARTS_WITH/);
  });

  it('refuses ORDER BY, GROUP BY and LIMIT with the reason', () => {
    refuses("WorkflowType = 'a' ORDER BY StartTime DESC", 20, /ORDER BY is not supported: runs are always listed newest start first/);
    refuses("WorkflowType = 'a' group by WorkflowType", 20, /GROUP BY is not supported/);
    refuses("WorkflowType = 'a' LIMIT 5", 20, /LIMIT is not supported: use pageSize/);
  });

  it('refuses broken syntax at the column where it breaks', () => {
    refuses("WorkflowId = 'abc", 14, /unterminated string: add the closing '/);
    refuses('WorkflowId = "abc\\', 18, /unterminated string/);
    refuses("WorkflowId = 'a\\q'", 16, /unknown escape '\\q'/);
    refuses('`Region = 1', 1, /unterminated backquoted name/);
    refuses("WorkflowId = 'a' 'b'", 18, /expected AND, OR or the end of the query, found the string 'b'/);
    refuses("WorkflowId = 'a' AND", 21, /expected a search attribute name, found the end of the query/);
    refuses("(WorkflowId = 'a'", 18, /expected '\)' to close the '\(' at column 1/);
    refuses("WorkflowId = 'a')", 17, /unbalanced '\)'/);
    refuses('WorkflowId', 11, /expected an operator after WorkflowId \(=, !=, <, >, <=, >=, IN, NOT IN, BETWEEN/);
    refuses("WorkflowId == 'a'", 12, /'==' is not an operator: use '='/);
    refuses("WorkflowId ! 'a'", 12, /use '!=' to compare/);
    refuses("WorkflowId = 'a' ; DROP TABLE runs", 18, /unexpected character ';'/);
    refuses("WorkflowId NOT LIKE 'a'", 16, /expected IN or BETWEEN after NOT/);
    refuses("WorkflowId IN 'a'", 15, /expected '\(' to open the IN list/);
    refuses("WorkflowId IN ('a' 'b')", 20, /expected ',' or '\)' to close the IN list/);
    refuses('Amount BETWEEN 1 5', 18, /expected AND between the two bounds of BETWEEN/);
    refuses('CloseTime IS NOTHING', 14, /expected NULL after IS/);
    refuses("AND = 'x'", 1, /expected a search attribute name, found 'AND' \(AND is a keyword; write `AND`/);
    refuses('Amount = 12abc', 12, /unexpected 'a' right after the number 12/);
    refuses('Amount = 1e999', 10, /out of range/);
    refuses("()", 2, /expected a search attribute name, found '\)'/);
  });

  it('bounds nesting and size, failing fast with a clear message instead of overflowing the stack', () => {
    // Alternating AND/OR under each parenthesis: the deepest tree the limit allows (the stores
    // accept MAX_FILTER_DEPTH levels below the root).
    const op = (i: number) => (i % 2 ? 'AND' : 'OR');
    const nest = (n: number) => Array.from({ length: n }, (_, i) => `Amount = ${i} ${op(i)} (`).join('') + `Amount = ${n} ${op(n)} WorkflowId = 'a'` + ')'.repeat(n);
    let depth = 0;
    for (let f: FilterExpr | undefined = parse(nest(MAX_FILTER_DEPTH - 1)); f && (f.op === 'and' || f.op === 'or'); f = f.args[f.args.length - 1]) depth++;
    assert.equal(depth, MAX_FILTER_DEPTH, 'levels of AND/OR, the root included');
    refuses(nest(MAX_FILTER_DEPTH), nest(MAX_FILTER_DEPTH).lastIndexOf('(') + 1, /nests parentheses more than 99 levels deep/);
    refuses('('.repeat(9000), MAX_FILTER_DEPTH, /more than 99 levels deep/);
    const many = Array.from({ length: MAX_FILTER_TERMS + 1 }, (_, i) => `Amount = ${i}`).join(' OR ');
    assert.throws(() => parse(many), /more than 1000 conditions and IN values/);
    const wide = `Amount IN (${Array.from({ length: MAX_FILTER_TERMS }, (_, i) => i).join(',')})`;
    assert.throws(() => parse(wide), /more than 1000 conditions and IN values/, 'an IN counts one plus one per value');
    assert.equal((parse(`Amount IN (${Array.from({ length: MAX_FILTER_TERMS - 1 }, (_, i) => i).join(',')})`) as { values: unknown[] }).values.length, MAX_FILTER_TERMS - 1);
    const fine = Array.from({ length: MAX_FILTER_TERMS }, (_, i) => `Amount = ${i}`).join(' OR ');
    assert.equal((parse(fine) as { args: unknown[] }).args.length, MAX_FILTER_TERMS, 'a long OR chain is one flat node');
  });

  it('never throws anything but INVALID_ARGUMENT on random garbage', () => {
    const pieces = ['(', ')', "'", '"', '`', ',', '=', '!=', '<', '>=', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'STARTS_WITH', 'WorkflowId', 'Amount', 'Tags', 'Urgent', 'DueAt', '12', '-3.5', "'x'", 'true', '\\', ' ', '日'];
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 3000; i++) {
      const q = Array.from({ length: 1 + rand(12) }, () => pieces[rand(pieces.length)]).join(rand(2) ? ' ' : '');
      try {
        parse(q);
      } catch (e) {
        assert.ok(e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && /^invalid query at column \d+: /.test(e.message), `query ${JSON.stringify(q)} threw ${String(e)}`);
      }
    }
  });
});
