// A recursive-descent parser for Temporal's visibility filter syntax, typing values as it goes.
//   expr      := and (OR and)*
//   and       := primary (AND primary)*
//   primary   := '(' expr ')' | predicate
//   predicate := field ( cmp value | [NOT] IN '(' value (',' value)* ')'
//                      | [NOT] BETWEEN value AND value | STARTS_WITH string | IS [NOT] NULL )
import type { SearchAttributeType } from '../visibility.js';
import type { Comparison, FilterExpr, FilterField, FilterValue } from './ast.js';
import { filterError } from './errors.js';
import { describeToken, tokenize, type Token } from './lexer.js';
import { checkOrdered, checkStartsWith, resolveField } from './fields.js';
import { literalValue } from './values.js';

/**
 * Bounds that keep hostile queries cheap (and the recursion far from the stack limit), shared
 * with the stores' own check of a filter: at most MAX_FILTER_DEPTH levels of AND/OR below the
 * root — so at most MAX_FILTER_DEPTH - 1 nested parentheses, each adding at most one level —
 * and MAX_FILTER_TERMS conditions, an IN counting one plus one per value.
 */
export const MAX_FILTER_DEPTH = 100;
export const MAX_FILTER_TERMS = 1000;
const MAX_PARENS = MAX_FILTER_DEPTH - 1;

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'STARTS_WITH', 'IS', 'NULL', 'TRUE', 'FALSE', 'ORDER', 'GROUP', 'BY', 'LIMIT']);

/**
 * Parses a list/count filter against a namespace's custom attributes. Undefined for an empty
 * query (every run); throws ApiError INVALID_ARGUMENT naming the column and what was expected.
 */
export function parseListFilter(query: string, custom: Record<string, SearchAttributeType>): FilterExpr | undefined {
  if (query.trim() === '') return undefined;
  return new Parser(tokenize(query), custom).parseQuery();
}

class Parser {
  private pos = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly custom: Record<string, SearchAttributeType>,
  ) {}

  parseQuery(): FilterExpr {
    const expr = this.parseOr();
    const t = this.peek();
    if (this.isKeyword(t, 'ORDER') || this.isKeyword(t, 'GROUP')) {
      throw filterError(t.column, `${t.text.toUpperCase()} BY is not supported: runs are always listed newest start first; remove it from the query`);
    }
    if (this.isKeyword(t, 'LIMIT')) throw filterError(t.column, 'LIMIT is not supported: use pageSize to bound a page');
    if (t.kind === ')') throw filterError(t.column, "unbalanced ')': there is no '(' for it");
    if (t.kind !== 'end') throw filterError(t.column, `expected AND, OR or the end of the query, found ${describeToken(t)}`);
    return expr;
  }

  private parseOr(): FilterExpr {
    const args = [this.parseAnd()];
    while (this.acceptKeyword('OR')) args.push(this.parseAnd());
    return combine('or', args);
  }

  private parseAnd(): FilterExpr {
    const args = [this.parsePrimary()];
    while (this.acceptKeyword('AND')) args.push(this.parsePrimary());
    return combine('and', args);
  }

  private parsePrimary(): FilterExpr {
    const t = this.peek();
    if (t.kind !== '(') return this.parsePredicate();
    if (++this.depth > MAX_PARENS) throw filterError(t.column, `the query nests parentheses more than ${MAX_PARENS} levels deep; simplify it`);
    this.pos++;
    const inner = this.parseOr();
    this.expect(')', "')' to close the '(' at column " + t.column);
    this.depth--;
    return inner;
  }

  private parsePredicate(): FilterExpr {
    const field = this.parseField();
    this.countTerm();
    const t = this.next();
    if (t.kind === 'op') {
      if (t.text !== '=' && t.text !== '!=') checkOrdered(field, `'${t.text}'`, t.column);
      if (field.type === 'KeywordList' && t.text !== '=' && t.text !== '!=') throw filterError(t.column, `${field.name} is a KeywordList: compare it with = (contains), != or IN`);
      return { op: 'compare', field, cmp: t.text as Comparison, value: literalValue(field, this.next()) };
    }
    const negated = this.isKeyword(t, 'NOT');
    const verb = negated ? this.next() : t;
    if (this.isKeyword(verb, 'IN')) return { op: 'in', field, values: this.parseInList(field), negated };
    if (this.isKeyword(verb, 'BETWEEN')) {
      checkOrdered(field, 'BETWEEN', verb.column);
      const low = literalValue(field, this.next());
      this.expectKeyword('AND', "AND between the two bounds of BETWEEN");
      return { op: 'between', field, low, high: literalValue(field, this.next()), negated };
    }
    if (negated) throw filterError(verb.column, `expected IN or BETWEEN after NOT, found ${describeToken(verb)}`);
    if (this.isKeyword(t, 'STARTS_WITH')) {
      checkStartsWith(field, t.column);
      const prefix = this.next();
      if (prefix.kind !== 'string') throw filterError(prefix.column, `expected a string in quotes after STARTS_WITH, found ${describeToken(prefix)}`);
      return { op: 'startsWith', field, prefix: prefix.text };
    }
    if (this.isKeyword(t, 'IS')) {
      const not = this.acceptKeyword('NOT');
      this.expectKeyword('NULL', `NULL after IS${not ? ' NOT' : ''}`);
      return { op: 'isNull', field, negated: not };
    }
    throw filterError(t.column, `expected an operator after ${field.name} (=, !=, <, >, <=, >=, IN, NOT IN, BETWEEN, NOT BETWEEN, STARTS_WITH, IS NULL, IS NOT NULL), found ${describeToken(t)}`);
  }

  private parseField(): FilterField {
    const t = this.next();
    if (t.kind === 'quotedName') return resolveField(t.text, t.column, this.custom);
    if (t.kind === 'word' && !KEYWORDS.has(t.text.toUpperCase())) return resolveField(t.text, t.column, this.custom);
    const hint = t.kind === 'word' ? ` (${t.text} is a keyword; write \`${t.text}\` for an attribute of that name)` : '';
    throw filterError(t.column, `expected a search attribute name, found ${describeToken(t)}${hint}`);
  }

  private parseInList(field: FilterField): FilterValue[] {
    this.expect('(', "'(' to open the IN list");
    this.countTerm();
    const values = [literalValue(field, this.next())];
    while (this.peek().kind === ',') {
      this.pos++;
      this.countTerm();
      values.push(literalValue(field, this.next()));
    }
    this.expect(')', "',' or ')' to close the IN list");
    return values;
  }

  private countTerm(): void {
    if (++this.terms > MAX_FILTER_TERMS) throw filterError(this.peek().column, `the query has more than ${MAX_FILTER_TERMS} conditions and IN values; split it into several queries`);
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'end') this.pos++;
    return t;
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(this.peek(), word)) return false;
    this.pos++;
    return true;
  }

  private expectKeyword(word: string, what: string): void {
    const t = this.next();
    if (!this.isKeyword(t, word)) throw filterError(t.column, `expected ${what}, found ${describeToken(t)}`);
  }

  private expect(kind: '(' | ')', what: string): void {
    const t = this.next();
    if (t.kind !== kind) throw filterError(t.column, `expected ${what}, found ${describeToken(t)}`);
  }
}

/** One operand stays itself; nested nodes of the same operator flatten (a AND (b AND c)). */
function combine(op: 'and' | 'or', args: FilterExpr[]): FilterExpr {
  if (args.length === 1) return args[0]!;
  return { op, args: args.flatMap((a) => (a.op === op ? a.args : [a])) };
}
