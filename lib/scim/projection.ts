import { ENTERPRISE_USER_SCHEMA, resolvePath } from "./attributes";
import { isObject, type JsonObject } from "./canonical";
import type { ScimUserResource } from "./wire";

/** `attributes=` and `excludedAttributes=` (RFC 7644 §3.4.2.5), as attribute paths in any case, with or without URNs. */
export type Projection = { attributes: string[]; excludedAttributes: string[] };

/** One requested path: in the extension or not, the attribute, and a sub-attribute or the whole of it. */
type Target = { container: string | null; name: string | null; sub: string | null };

// `id` and `schemas` are returned always (RFC 7643 §7, "returned": "always").
const ALWAYS = new Set(["id", "schemas"]);

function targetsOf(paths: string[]): Target[] {
  return paths.flatMap((path): Target[] => {
    const resolved = resolvePath(path.trim());
    if (resolved.kind === "extension") return [{ container: ENTERPRISE_USER_SCHEMA, name: null, sub: null }];
    // Attributes Roster does not have cannot be returned or left out: nothing to do for them.
    if (resolved.kind === "unknown") return [];
    return [{ container: resolved.extension ? ENTERPRISE_USER_SCHEMA : null, name: resolved.attribute.name, sub: resolved.sub?.name ?? null }];
  });
}

const pick = (value: unknown, keys: Set<string>): unknown =>
  Array.isArray(value)
    ? value.map((item) => pick(item, keys))
    : isObject(value)
      ? Object.fromEntries(Object.entries(value).filter(([key]) => keys.has(key)))
      : value;

function include(resource: JsonObject, targets: Target[]): JsonObject {
  const result: JsonObject = Object.fromEntries(Object.entries(resource).filter(([key]) => ALWAYS.has(key)));
  // Per container and attribute: every sub-attribute asked for, or null for the whole attribute.
  const wanted = new Map<string | null, Map<string | null, Set<string> | null>>();
  for (const { container, name, sub } of targets) {
    const attributes = wanted.get(container) ?? new Map<string | null, Set<string> | null>();
    wanted.set(container, attributes);
    const current = attributes.get(name);
    if (current === null) continue;
    attributes.set(name, sub === null ? null : new Set([...(current ?? []), sub]));
  }
  for (const [container, attributes] of wanted) {
    const source = container === null ? resource : resource[container];
    if (!isObject(source)) continue;
    if (attributes.get(null) === null) {
      result[container!] = source;
      continue;
    }
    const target: JsonObject = container === null ? result : ((result[container] as JsonObject | undefined) ?? {});
    for (const [name, subs] of attributes) {
      if (name === null || source[name] === undefined) continue;
      target[name] = subs === null ? source[name] : pick(source[name], subs);
    }
    if (container !== null && Object.keys(target).length) result[container] = target;
  }
  return result;
}

function exclude(resource: JsonObject, targets: Target[]): JsonObject {
  const result = structuredClone(resource);
  for (const { container, name, sub } of targets) {
    if (name === null) {
      delete result[container!];
      continue;
    }
    const holder = container === null ? result : result[container];
    if (!isObject(holder) || (container === null && ALWAYS.has(name))) continue;
    if (sub === null) delete holder[name];
    else for (const item of [holder[name]].flat()) if (isObject(item)) delete item[sub];
  }
  return result;
}

/** The resource with only the attributes asked for, or without those excluded; `id` and `schemas` stay. */
export function projectResource(resource: ScimUserResource, projection: Projection): ScimUserResource {
  let result = resource as JsonObject;
  if (projection.attributes.length) result = include(result, targetsOf(projection.attributes));
  if (projection.excludedAttributes.length) result = exclude(result, targetsOf(projection.excludedAttributes));
  // Only ever removes attributes from a valid resource, so the shape still holds.
  return result as ScimUserResource;
}
