import * as z from "zod/mini";

// The console's pages parse every answer with these schemas, so contracts use zod/mini: the same
// schemas (types, messages, JSON Schema) in a fraction of the browser bundle of classic zod.

/** Lowercase UUID, as every Roster id is written (the Mendix spec's own pattern). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const uuid = (what = "id") => z.string().check(z.regex(UUID_PATTERN, `${what} must be a lowercase UUID`));

/** A query-string whole number within bounds, with a default when absent or empty. */
export const wholeNumber = (what: string, min: number, max: number, fallback: number) =>
  z.pipe(
    z.optional(z.string().check(z.trim())),
    z.transform((value: string | undefined, ctx) => {
      if (!value) return fallback;
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (n >= min && n <= max) return n;
      ctx.issues.push({ code: "custom", message: `${what} must be a whole number from ${min} to ${max.toLocaleString("en-US")}`, input: value });
      return z.NEVER;
    }),
  );

/** Trimmed text of at most `max` characters; empty counts as absent. */
export const optionalText = (name: string, max: number) =>
  z.pipe(
    z.optional(z.string().check(z.trim(), z.maxLength(max, `${name} is at most ${max} characters`))),
    z.transform((value: string | undefined) => value || undefined),
  );

export const isoTime = z.string().register(z.globalRegistry, { description: "ISO 8601" });
export const int = () => z.number().check(z.int());
