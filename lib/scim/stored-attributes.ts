import { z } from "zod";

/**
 * What identities.scim_attributes holds: the attributes Roster has no column for, as the provider
 * last wrote them (ADR 0017), and how it wrote the ones it has a column for where the column
 * loses it (the primary email's type, the phone numbers' formatting and types). The keys
 * `name.givenName`, `name.familyName` and `primaryEmailType` are read by SQL too
 * (db/queries/scim-users.ts), so they keep these names.
 */
const text = z.string().optional().catch(undefined);

const NAME_PARTS = ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"] as const;
const nameSchema = z.object(Object.fromEntries(NAME_PARTS.map((part) => [part, text])) as Record<(typeof NAME_PARTS)[number], typeof text>);

export const storedAttributesSchema = z.object({
  name: nameSchema.optional().catch(undefined),
  displayName: text,
  nickName: text,
  title: text,
  userType: text,
  preferredLanguage: text,
  locale: text,
  timezone: text,
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
  const entries = Object.entries(value)
    .map(([key, child]) => [key, compact(child)] as const)
    .filter(([, child]) => child !== undefined && !(child !== null && typeof child === "object" && !Array.isArray(child) && Object.keys(child).length === 0));
  return Object.fromEntries(entries) as T;
}
