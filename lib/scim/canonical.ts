import { ENTERPRISE_USER_SCHEMA, findSubAttribute, resolvePath, type ScimAttribute } from "./attributes";

/**
 * Attribute names are case-insensitive in SCIM (RFC 7643 §2.1), and clients differ in how they
 * nest: `{"name": {"GivenName": …}}`, `{"name.givenName": …}`,
 * `{"urn:…:enterprise:2.0:User:department": …}` or `{"urn:…:enterprise:2.0:User": {"department": …}}`.
 * These functions write any of them one way: canonical names, the extension's attributes under its
 * URN, and nothing Roster does not support (unknown attributes, `password`, `groups` are dropped).
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === "object" && !Array.isArray(value);

/** A complex value with its sub-attributes under their canonical names; other values as they are. */
export function canonicalValue(attribute: ScimAttribute, value: unknown): unknown {
  if (attribute.type !== "complex") return value;
  const canonicalItem = (item: unknown) => {
    if (!isObject(item)) return item;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(item)) {
      const sub = findSubAttribute(attribute, key);
      if (sub) out[sub.name] = child;
    }
    return out;
  };
  if (attribute.multiValued) return Array.isArray(value) ? value.map(canonicalItem) : canonicalItem(value);
  // A single-valued complex attribute sent as a list of one (Entra's manager: [{"value": …}]).
  return canonicalItem(Array.isArray(value) && value.length === 1 ? value[0] : value);
}

/** Puts `value`, found under `key` in a client's object, where the canonical resource keeps it. */
function place(out: JsonObject, key: string, value: unknown): void {
  const resolved = resolvePath(key);
  if (resolved.kind === "extension") {
    if (isObject(value)) for (const [subKey, child] of Object.entries(value)) place(out, `${ENTERPRISE_USER_SCHEMA}:${subKey}`, child);
    return;
  }
  if (resolved.kind === "unknown") return;
  const target = resolved.extension ? extensionOf(out) : out;
  const { attribute, sub } = resolved;
  if (!sub) {
    const canonical = canonicalValue(attribute, value);
    // `name` and `name.givenName` may both be given: merge them, whichever comes first.
    target[attribute.name] = isObject(canonical) && isObject(target[attribute.name]) ? { ...(target[attribute.name] as JsonObject), ...canonical } : canonical;
    return;
  }
  if (attribute.multiValued) return; // `emails.value` names every value at once: no place to put one
  const parent = isObject(target[attribute.name]) ? (target[attribute.name] as JsonObject) : (target[attribute.name] = {});
  (parent as JsonObject)[sub.name] = value;
}

function extensionOf(out: JsonObject): JsonObject {
  const existing = out[ENTERPRISE_USER_SCHEMA];
  if (isObject(existing)) return existing;
  const created: JsonObject = {};
  out[ENTERPRISE_USER_SCHEMA] = created;
  return created;
}

/** A client's User object (a body, a PATCH value, a patched resource) in canonical form. */
export function canonicalUser(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) place(out, key, value);
  return out;
}
