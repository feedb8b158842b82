import { z } from "zod";

/** Lowercase UUID, as every Roster id is written (the Mendix spec's own pattern). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const uuid = (what = "id") => z.string().regex(UUID_PATTERN, `${what} must be a lowercase UUID`);

/** A query-string whole number within bounds, with a default when absent. */
export const wholeNumber = (what: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return fallback;
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(n >= min && n <= max)) {
        ctx.addIssue({ code: "custom", message: `${what} must be a whole number from ${min} to ${max.toLocaleString("en-US")}` });
        return z.NEVER;
      }
      return n;
    });

export const isoTime = z.string().describe("ISO 8601");
