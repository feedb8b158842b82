import { parse, type Filter } from "scim2-parse-filter";

/** The longest filter accepted, in a list query or inside a PATCH path's brackets. */
export const MAX_FILTER_LENGTH = 2_000;

/**
 * Parses SCIM filter text with scim2-parse-filter, refusing first what would make the library
 * slow. Its tokenizer matches a quoted string with `"(?:[^"\\]|\\.|\n)*"`, where a line feed
 * matches two alternatives: a quote left open over n line feeds backtracks 2^n ways before it
 * fails (24 took 0.16 s, each two more four times as long: ~36, a 50-character filter, would hold
 * the thread for minutes). A filter's values are JSON strings (RFC 7644 §3.4.2.2), which cannot hold raw control characters, so such
 * text is not a filter at all; without them the alternatives are disjoint and the match linear.
 * Text refused before parsing throws FilterTextRefused, whose message completes "The filter …";
 * the library's own syntax errors pass through. Callers give either their SCIM error type.
 */
export function parseFilterText(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new FilterTextRefused(`is ${text.length.toLocaleString("en-US")} characters long; at most ${MAX_FILTER_LENGTH.toLocaleString("en-US")} are accepted`);
  }
  const control = /[\u0000-\u001f]/.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, "0");
    throw new FilterTextRefused(
      `contains a control character (U+${code.toUpperCase()}) at position ${control.index + 1}; a value with one must escape it as in JSON`,
    );
  }
  return parse(text);
}

/** Filter text refused before it was parsed; the message completes "The filter …". */
export class FilterTextRefused extends Error {}
