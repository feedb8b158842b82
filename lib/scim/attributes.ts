import type { ScimField } from "@/db/queries/scim-users";

/**
 * The one table of the SCIM attributes Roster supports (RFC 7643 §4.1, §4.3, §3.1). The Schemas
 * document, the filter compiler, sortBy, attribute projection and the body reader all read it, so
 * an attribute is supported in one place or not at all.
 */

export const CORE_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

export type AttributeType = "string" | "boolean" | "dateTime" | "reference" | "complex";

export type ScimAttribute = {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
  returned: "always" | "never" | "default" | "request";
  uniqueness: "none" | "server" | "global";
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: ScimAttribute[];
  /** What filters and sortBy compile to (db/queries/scim-users.ts); absent: not filterable. */
  field?: ScimField;
};

type Options = Partial<Omit<ScimAttribute, "name" | "type" | "description">>;

function attribute(name: string, type: AttributeType, description: string, options: Options = {}): ScimAttribute {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...options,
  };
}

const text = (name: string, description: string, options?: Options) => attribute(name, "string", description, options);

const multiValue = (what: string, types: string[], valueField?: ScimField) => [
  text("value", `The ${what}.`, valueField && { field: valueField }),
  text("display", `A human-readable form of the ${what}; not stored.`, { mutability: "readOnly" }),
  text("type", `The kind of ${what}; lower-cased.`, { canonicalValues: types }),
  attribute("primary", "boolean", `Whether this is the primary ${what}; at most one is.`),
];

/**
 * The parts of `name`, and the core User's texts Roster has no column for and keeps as the provider
 * wrote them (identities.scim_attributes, lib/scim/stored-attributes.ts): the wire schema, the body
 * reader, the stored form and the render name them through these lists, in this order.
 */
export const NAME_PARTS = ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"] as const;
export const STORED_TEXTS = ["nickName", "title", "userType", "preferredLanguage", "locale", "timezone"] as const;

/** An object with one field per name, in the names' order: a zod shape's fields, or values picked from another object. */
export function fieldsOf<K extends string, V>(names: readonly K[], value: (name: K) => V): Record<K, V> {
  const fields = {} as Record<K, V>;
  for (const name of names) fields[name] = value(name);
  return fields;
}

/** The core User schema's attributes that Roster keeps (RFC 7643 §4.1). */
export const CORE_USER_ATTRIBUTES: ScimAttribute[] = [
  text("userName", "Unique per identity provider, compared case-insensitively.", { required: true, uniqueness: "server", field: "userName" }),
  attribute("name", "complex", "The person's name.", {
    subAttributes: [
      text("formatted", "The full name, formatted for display."),
      text("familyName", "The family name.", { field: "familyName" }),
      text("givenName", "The given name.", { field: "givenName" }),
      text("middleName", "The middle name(s)."),
      text("honorificPrefix", "Title(s) before the name, e.g. Ms."),
      text("honorificSuffix", "Title(s) after the name, e.g. III."),
    ],
  }),
  text("displayName", "The name Roster shows; when absent, name.formatted, else given and family name, else userName.", { field: "displayName" }),
  text("nickName", "A casual name."),
  text("title", "Job title."),
  text("userType", "The relationship to the organization, e.g. Employee or Contractor."),
  text("preferredLanguage", "Preferred language, e.g. en-US."),
  text("locale", "Locale for formatting, e.g. en-US."),
  text("timezone", "Time zone, e.g. Europe/Amsterdam."),
  attribute("active", "boolean", "false deactivates the user in Roster (tokens and sessions revoked); true reactivates.", { field: "active" }),
  attribute("emails", "complex", "Email addresses: the primary one (else work, else the first) is the user's address in Roster.", {
    multiValued: true,
    subAttributes: multiValue("email address", ["work", "home", "other"], "email"),
  }),
  attribute("phoneNumbers", "complex", "Phone numbers: the primary one (else the first) and one more are kept as the user's mobiles.", {
    multiValued: true,
    subAttributes: multiValue("phone number", ["work", "home", "mobile", "fax", "pager", "other"]),
  }),
];

/** The enterprise User extension (RFC 7643 §4.3). */
export const ENTERPRISE_USER_ATTRIBUTES: ScimAttribute[] = [
  text("employeeNumber", "Unique per tenant: the user's unique code in Roster."),
  text("costCenter", "Cost center."),
  text("organization", "Organization."),
  text("division", "Division."),
  text("department", "Department."),
  attribute("manager", "complex", "The user's manager.", {
    subAttributes: [
      text("value", "The manager's id at the identity provider."),
      attribute("$ref", "reference", "The manager's URI.", { referenceTypes: ["User"] }),
      text("displayName", "The manager's name.", { mutability: "readOnly" }),
    ],
  }),
];

/** The attributes every resource has (RFC 7643 §3.1); not part of the User schema document. */
export const COMMON_ATTRIBUTES: ScimAttribute[] = [
  text("id", "Roster's id of the user.", { caseExact: true, mutability: "readOnly", returned: "always", uniqueness: "server", field: "id" }),
  text("externalId", "The identity provider's own id of the user.", { caseExact: true, field: "externalId" }),
  attribute("meta", "complex", "Resource metadata.", {
    mutability: "readOnly",
    subAttributes: [
      text("resourceType", "Always User.", { caseExact: true, mutability: "readOnly" }),
      attribute("created", "dateTime", "When the user was created in Roster.", { mutability: "readOnly", field: "created" }),
      attribute("lastModified", "dateTime", "When the user last changed in Roster.", { mutability: "readOnly", field: "lastModified" }),
      attribute("location", "reference", "The resource's URI.", { caseExact: true, mutability: "readOnly" }),
      text("version", "The resource's ETag.", { caseExact: true, mutability: "readOnly" }),
    ],
  }),
];

/** Where an attribute path leads: an attribute (of the extension or not) and maybe a sub-attribute, the whole extension, or nothing Roster keeps. */
export type ResolvedPath =
  { kind: "attribute"; extension: boolean; attribute: ScimAttribute; sub?: ScimAttribute } | { kind: "extension" } | { kind: "unknown" };

const byName = (list: ScimAttribute[], name: string) => list.find((item) => item.name.toLowerCase() === name.toLowerCase());

/** The top-level attribute called `name` (any case): core and common, or in the extension. */
export function findAttribute(name: string, extension: boolean): ScimAttribute | undefined {
  return extension ? byName(ENTERPRISE_USER_ATTRIBUTES, name) : (byName(CORE_USER_ATTRIBUTES, name) ?? byName(COMMON_ATTRIBUTES, name));
}

/**
 * An attribute named without a URN: core and common first, else the extension's, since Entra writes
 * `manager` and `department` unqualified (no name is in both, so this cannot pick the wrong one).
 */
function findUnqualified(name: string): { attribute: ScimAttribute; extension: boolean } | undefined {
  const core = findAttribute(name, false);
  if (core) return { attribute: core, extension: false };
  const extension = findAttribute(name, true);
  return extension && { attribute: extension, extension: true };
}

export function findSubAttribute(parent: ScimAttribute, name: string): ScimAttribute | undefined {
  return parent.subAttributes && byName(parent.subAttributes, name);
}

/**
 * Resolves an attribute path as filters, PATCH paths, `attributes=` and sortBy write it: any case,
 * with or without a schema URN (`urn:…:core:2.0:User:name.givenName`, `urn:…:enterprise:2.0:User:department`).
 */
export function resolvePath(path: string): ResolvedPath {
  const lower = path.toLowerCase();
  let qualified: boolean | undefined;
  let rest = path;
  for (const [schema, isExtension] of [
    [CORE_USER_SCHEMA, false],
    [ENTERPRISE_USER_SCHEMA, true],
  ] as const) {
    if (lower === schema.toLowerCase()) return { kind: isExtension ? "extension" : "unknown" };
    if (lower.startsWith(`${schema.toLowerCase()}:`)) {
      qualified = isExtension;
      rest = path.slice(schema.length + 1);
    }
  }
  const [name = "", subName, ...deeper] = rest.split(".");
  const found = qualified === undefined ? findUnqualified(name) : { attribute: findAttribute(name, qualified), extension: qualified };
  const attribute = found?.attribute;
  const extension = found?.extension ?? false;
  if (!attribute) return { kind: "unknown" };
  if (subName === undefined) return { kind: "attribute", extension, attribute };
  const sub = findSubAttribute(attribute, subName);
  if (!sub || deeper.length) return { kind: "unknown" };
  return { kind: "attribute", extension, attribute, sub };
}

/**
 * The field a filter or sortBy path compiles to, with the type of its values; undefined when the
 * path is not filterable. A multi-valued attribute without a sub-attribute means its values
 * (RFC 7644 §3.4.2.2): `emails co "x"` is `emails.value co "x"`.
 */
export function fieldOf(path: string): { field: ScimField; type: AttributeType } | undefined {
  const resolved = resolvePath(path);
  if (resolved.kind !== "attribute") return undefined;
  const attribute = resolved.sub ?? (resolved.attribute.multiValued ? findSubAttribute(resolved.attribute, "value") : resolved.attribute);
  return attribute?.field ? { field: attribute.field, type: attribute.type } : undefined;
}

/** Every path a filter or sortBy can name, for messages. */
export const FILTERABLE_PATHS = [...CORE_USER_ATTRIBUTES, ...COMMON_ATTRIBUTES].flatMap((attribute) => [
  ...(attribute.field ? [attribute.name] : []),
  ...(attribute.subAttributes ?? []).filter((sub) => sub.field).map((sub) => `${attribute.name}.${sub.name}`),
]);

/** The key a userName is unique and found by: trimmed and lower-cased (identities.username_key). */
export function userNameKey(userName: string): string {
  return userName.trim().toLowerCase();
}

/** SCIM's booleans as Entra ID sends them too: true/false, or the strings "True"/"False" in any case. */
export function scimBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return undefined;
}
