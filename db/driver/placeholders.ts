import { setBounded } from "./bounded-map";

/**
 * SQL with `?` or `@name` placeholders (better-sqlite3's) as PostgreSQL's `$1, $2, …`, and how to
 * order a named statement's values. Quoted strings, quoted identifiers and comments are copied untouched.
 */
export type PostgresText = { text: string; names: string[] | null };

// Every statement text in db/ is one of a bounded set, but a SCIM filter's shape is its
// statement's (db/queries/scim-user-filter.ts): a client sending new shapes would grow an
// unbounded cache until the process ran out of memory. Past this many, the oldest goes.
export const MAX_CONVERTED_STATEMENTS = 1_000;
const cache = new Map<string, PostgresText>();

export function toPostgres(sql: string): PostgresText {
  const known = cache.get(sql);
  if (known) return known;
  // The text as slices of `sql` between the placeholders, joined once (a string built a character
  // at a time is a chain of thousands of tiny pieces until something flattens it).
  const parts: string[] = [];
  let copiedTo = 0;
  let index = 0;
  const names: string[] = [];
  let named = false;
  for (let i = 0; i < sql.length; i += 1) {
    const char = sql[i]!;
    if (char === "'" || char === '"') {
      i = closingQuote(sql, i, char);
    } else if ((char === "-" && sql[i + 1] === "-") || (char === "/" && sql[i + 1] === "*")) {
      // A comment ("-- why?", "/* the user's */") is copied as it is: its ? and ' are prose.
      i = char === "-" ? lineEnd(sql, i) : commentEnd(sql, i);
    } else if (char === "?") {
      parts.push(sql.slice(copiedTo, i), `$${(index += 1)}`);
      copiedTo = i + 1;
    } else if (char === "@" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      named = true;
      let position = names.indexOf(name);
      if (position < 0) position = names.push(name) - 1;
      parts.push(sql.slice(copiedTo, i), `$${position + 1}`);
      i += name.length;
      copiedTo = i + 1;
    }
  }
  parts.push(sql.slice(copiedTo));
  if (named && index > 0) throw new Error(`SQL mixes ? and @name placeholders: ${sql}`);
  const converted = { text: parts.join(""), names: named ? names : null };
  return setBounded(cache, sql, converted, MAX_CONVERTED_STATEMENTS);
}

function closingQuote(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i += 1) {
    if (sql[i] !== quote) continue;
    if (sql[i + 1] === quote) i += 1;
    else return i;
  }
  throw new Error(`SQL has an unterminated ${quote} quote: ${sql}`);
}

function lineEnd(sql: string, start: number): number {
  const end = sql.indexOf("\n", start);
  return end < 0 ? sql.length - 1 : end;
}

function commentEnd(sql: string, start: number): number {
  const end = sql.indexOf("*/", start + 2);
  if (end < 0) throw new Error(`SQL has an unterminated /* comment: ${sql}`);
  return end + 1;
}

/** The positional values for a statement: named ones taken from the one object passed. */
export function valuesFor(converted: PostgresText, params: readonly unknown[]): unknown[] {
  if (!converted.names) return params as unknown[];
  const source = (params[0] ?? {}) as Record<string, unknown>;
  return converted.names.map((name) => {
    if (!(name in source)) throw new Error(`no value for @${name}`);
    return source[name];
  });
}
