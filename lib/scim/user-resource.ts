import { hash } from "node:crypto";
import type { ScimUserRecord } from "@/db/queries/scim-users";
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, fieldsOf, STORED_TEXTS } from "./attributes";
import { joinPhone, samePhone, splitPhone } from "./phone";
import { displayNameOf } from "./user-input";
import { compact, readStoredAttributes, type StoredAttributes } from "./stored-attributes";
import { USERS_PATH, type ScimUserResource } from "./wire";

// A Roster user as its identity provider sees it (ADR 0017's mapping, read direction).

// One Date, set for each time: a list renders two times per user, and in the server process every
// `new Date()` goes through Next.js's wrapper of the constructor (node-environment-extensions/date.js).
const clock = new Date(0);
const iso = (ms: number) => {
  clock.setTime(ms);
  return clock.toISOString();
};

/**
 * `meta.version` and the ETag header: a hash of the resource's JSON without `meta` (contentOf), so
 * any change anywhere gives a new one. Plain JSON is canonical here: the rendered keys come in one
 * order however the attributes were stored (jsonb reorders them), from contentOf's literal and from
 * zod, whose output follows its schema's order.
 */
const etagOfJson = (json: string) => `W/"${hash("sha256", json, "base64url").slice(0, 27)}"`;

/** The stored mobiles as SCIM values: as the provider wrote them while they still say the same number. */
function renderPhones(mobiles: ScimUserRecord["mobiles"], given: StoredAttributes["phoneNumbers"]): ScimUserResource["phoneNumbers"] {
  if (!mobiles.length) return undefined;
  return mobiles.map((mobile, index) => {
    const written = given?.[index];
    const primary = mobile.kind === "primary" || undefined;
    const stored = joinPhone(mobile);
    // Parsing the written value (the costly part of a render) only chooses between it and the stored
    // number as a mobile; when the provider wrote exactly that, either answer is the same.
    const sameAnswer = written?.value === stored && written.type === "mobile";
    if (written && (sameAnswer || samePhone(splitPhone(written.value), mobile))) return { value: written.value, type: written.type, primary };
    return { value: stored, type: "mobile", primary };
  });
}

export function userLocation(origin: string, userId: string): string {
  return `${origin}${USERS_PATH}/${encodeURIComponent(userId)}`;
}

/** The SCIM User for a record without `meta`: what its version is a hash of. */
function contentOf(record: ScimUserRecord): Omit<ScimUserResource, "meta"> {
  const { user, identity } = record;
  const stored = readStoredAttributes(identity.attributes);
  return compact({
    schemas: [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    id: user.id,
    externalId: identity.externalId ?? undefined,
    userName: identity.userName,
    name: stored.name,
    displayName: user.name,
    ...fieldsOf(STORED_TEXTS, (name) => stored[name]),
    active: user.active,
    emails: [
      { value: user.email, type: stored.primaryEmailType ?? "work", primary: true },
      ...record.otherEmails.map((email) => ({ value: email.email, type: email.label })),
    ],
    phoneNumbers: renderPhones(record.mobiles, stored.phoneNumbers),
    [ENTERPRISE_USER_SCHEMA]: {
      employeeNumber: user.uniqueCode,
      costCenter: stored.enterprise?.costCenter,
      organization: stored.enterprise?.organization,
      division: stored.enterprise?.division,
      department: user.department || undefined,
      manager: stored.enterprise?.manager,
    },
  });
}

function metaOf(record: ScimUserRecord, origin: string, version: string): NonNullable<ScimUserResource["meta"]> {
  const { user, identity } = record;
  return {
    resourceType: "User",
    created: iso(user.createdAt),
    // Attributes without a column of their own change only the identity.
    lastModified: iso(Math.max(user.updatedAt, identity.updatedAt)),
    location: userLocation(origin, user.id),
    version,
  };
}

/** The SCIM User for a record, with `meta` (its ETag in `meta.version`); `origin` makes `meta.location` absolute. */
export function renderScimUser(record: ScimUserRecord, origin: string): ScimUserResource {
  const content = contentOf(record);
  return { ...content, meta: metaOf(record, origin, etagOfJson(JSON.stringify(content))) };
}

/**
 * renderScimUser as JSON text, character for character: the content is serialized once, for its
 * ETag and for the body (a list of a hundred serialized them twice).
 */
export function scimUserJson(record: ScimUserRecord, origin: string): string {
  const content = JSON.stringify(contentOf(record));
  return `${content.slice(0, -1)},"meta":${JSON.stringify(metaOf(record, origin, etagOfJson(content)))}}`;
}

/**
 * The resource a PATCH applies to: the rendered one, less what Roster derived rather than the
 * provider wrote. A displayName Roster made from name.givenName must not pin the name when a
 * later PATCH changes name.givenName; a name the user had before (a user the provider linked, or
 * renamed in Roster) is no derivation and stays, whatever the PATCH is about.
 */
export function patchableScimUser(record: ScimUserRecord, resource: ScimUserResource): ScimUserResource {
  const stored = readStoredAttributes(record.identity.attributes);
  const derived = stored.displayName === undefined && record.user.name === displayNameOf({ name: stored.name, userName: record.identity.userName });
  if (!derived) return resource;
  const withoutDisplayName = { ...resource };
  delete withoutDisplayName.displayName;
  return withoutDisplayName;
}

/** Whether an If-Match / If-None-Match header names this ETag ("*" names any); weak comparison (RFC 9110 §8.8.3.2). */
export function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = opaque(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === wanted);
}
