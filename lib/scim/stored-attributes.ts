import { z } from "zod";
import { fieldsOf, NAME_PARTS, STORED_TEXTS } from "./attributes";

/**
 * What identities.scim_attributes holds: the attributes Roster has no column for, as the provider
 * last wrote them (ADR 0017), and how it wrote the ones it has a column for where the column
 * loses it (the primary email's type, the phone numbers' formatting and types). The keys
 * `name.givenName`, `name.familyName` and `primaryEmailType` are read by SQL too
 * (db/queries/scim-users.ts), so they keep these names.
 */
const text = z.string().optional().catch(undefined);

const nameSchema = z.object(fieldsOf(NAME_PARTS, () => text));

export const storedAttributesSchema = z.object({
  name: nameSchema.optional().catch(undefined),
  displayName: text,
  ...fieldsOf(STORED_TEXTS, () => text),
  primaryEmailType: text,
  phoneNumbers: z
    .array(z.object({ value: z.string(), type: z.string().optional() }))
    .optional()
    .catch(undefined),
  enterprise: z
    .object({
      costCenter: text,
      organization: text,
      division: text,
      manager: z.object({ value: text, displayName: text, $ref: text }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

export type StoredAttributes = z.output<typeof storedAttributesSchema>;

/** The stored attributes, each field that does not have its expected shape left out rather than failing the whole resource. */
export function readStoredAttributes(raw: unknown): StoredAttributes {
  const parsed = storedAttributesSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}

/** The same object without the keys whose values are undefined or empty objects, so equal content is stored (and hashed) equally. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value === null || typeof value !== "object") return value;
  // One loop, no arrays of entries: every SCIM answer is compacted (a fifth of a render's time that way).
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = compact((value as Record<string, unknown>)[key]);
    if (child !== undefined && !isEmptyObject(child)) out[key] = child;
  }
  return out as T;
}

const isEmptyObject = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0;
