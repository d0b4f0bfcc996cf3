// Splits a list filter into tokens, each with the column it starts at (for error messages).
import { filterError } from './errors.js';

export type Token =
  | { kind: 'word'; text: string; column: number } // a bare name or keyword (AND, IN, true…)
  | { kind: 'quotedName'; text: string; column: number } // `Backquoted Name`: never a keyword
  | { kind: 'string'; text: string; column: number }
  | { kind: 'number'; text: string; value: number; column: number }
  | { kind: 'op'; text: '=' | '!=' | '<' | '>' | '<=' | '>='; column: number }
  | { kind: '(' | ')' | ','; text: string; column: number }
  | { kind: 'end'; text: ''; column: number };

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t', '`': '`' };
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  if (t.kind === 'end') return 'the end of the query';
  if (t.kind === 'string') return `the string '${t.text.slice(0, 40)}'`;
  if (t.kind === 'quotedName') return `\`${t.text.slice(0, 40)}\``;
  return `'${t.text.slice(0, 40)}'`;
}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    const column = i + 1;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const { text, end } = readQuoted(query, i, c);
      tokens.push({ kind: 'string', text, column });
      i = end;
    } else if (c === '`') {
      const close = query.indexOf('`', i + 1);
      if (close < 0) throw filterError(column, 'unterminated backquoted name: add the closing `');
      if (close === i + 1) throw filterError(column, 'empty backquoted name');
      tokens.push({ kind: 'quotedName', text: query.slice(i + 1, close), column });
      i = close + 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, column });
      i++;
    } else if (c === '=' || c === '<' || c === '>' || c === '!') {
      const two = query.slice(i, i + 2);
      if (two === '==') throw filterError(column, "'==' is not an operator: use '=' to compare");
      if (two === '<>' || two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two, column });
        i += 2;
      } else if (c === '!') {
        throw filterError(column, "unexpected '!': use '!=' to compare, or NOT IN / NOT BETWEEN");
      } else {
        tokens.push({ kind: 'op', text: c as '=' | '<' | '>', column });
        i++;
      }
    } else if (/[-.\d]/.test(c)) {
      const m = NUMBER.exec(query.slice(i, i + 400));
      if (!m) throw filterError(column, `unexpected '${c}': expected a number`);
      const value = Number(m[0]);
      if (!Number.isFinite(value)) throw filterError(column, `the number ${m[0].slice(0, 40)} is out of range`);
      tokens.push({ kind: 'number', text: m[0], value, column });
      i += m[0].length;
      if (i < query.length && /[A-Za-z_]/.test(query[i]!)) throw filterError(i + 1, `unexpected '${query[i]}' right after the number ${m[0]}`);
    } else {
      const m = WORD.exec(query.slice(i, i + 1000));
      if (!m) throw filterError(column, `unexpected character '${c}'; names are letters, digits and _ (or \`backquoted\`), strings are in quotes`);
      tokens.push({ kind: 'word', text: m[0], column });
      i += m[0].length;
    }
  }
  tokens.push({ kind: 'end', text: '', column: query.length + 1 });
  return tokens;
}

/** Reads a string literal opening at `start`: backslash escapes, or the quote doubled (SQL style). */
function readQuoted(query: string, start: number, quote: string): { text: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < query.length) {
    const c = query[i]!;
    if (c === '\\') {
      const next = query[i + 1];
      const escaped = next === undefined ? undefined : ESCAPES[next];
      if (escaped === undefined) {
        throw filterError(i + 1, next === undefined ? 'unterminated string: a \\ at the end of the query' : `unknown escape '\\${next}' in a string (known: \\\\ \\' \\" \\n \\r \\t)`);
      }
      out += escaped;
      i += 2;
    } else if (c === quote) {
      if (query[i + 1] !== quote) return { text: out, end: i + 1 };
      out += quote;
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  throw filterError(start + 1, `unterminated string: add the closing ${quote}`);
}
