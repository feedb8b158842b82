import { stringify, type Filter } from "scim2-parse-filter";
import { ApiError } from "@/lib/api/errors";
import { ENTERPRISE_USER_SCHEMA, findSubAttribute, resolvePath, scimBoolean, type ScimAttribute } from "./attributes";
import { FilterTextRefused, parseFilterText } from "./filter-text";

/**
 * A PATCH path (RFC 7644 §3.5.2: `attrPath` or `valuePath[.subAttr]`, with or without a schema URN)
 * resolved against the attribute table and written back in canonical form for scim-patch, which
 * compares names as written: `NAME.GIVENNAME` → `name.givenName`,
 * `Emails[Type eq "Work"].Value` → `emails[type eq "work"].value`.
 */
export type PatchTarget =
  | { kind: "extension" }
  | { kind: "attribute"; path: string; extension: boolean; attribute: ScimAttribute; sub?: ScimAttribute; filtered: boolean }
  /** An attribute Roster does not keep: the operation changes nothing, as unknown attributes in bodies do. */
  | { kind: "ignored" };

const ATTRIBUTE_PATH = /^(urn:[^\s"[\]]+:)?[A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?$/i;
// Attributes no client may write: the server's own (RFC 7643 §3.1).
const READ_ONLY = new Set(["id", "meta"]);

export const invalidPath = (detail: string) => new ApiError("invalid_input", detail, { scimType: "invalidPath" });
const mutability = (detail: string) => new ApiError("invalid_input", detail, { scimType: "mutability" });

/** The value filter of a path with its sub-attribute names canonical and its values as the resource holds them. */
function canonicalFilter(filter: Filter, parent: ScimAttribute, path: string): Filter {
  switch (filter.op) {
    case "and":
    case "or":
      return { ...filter, filters: filter.filters.map((child) => canonicalFilter(child, parent, path)) };
    case "not":
      return { ...filter, filter: canonicalFilter(filter.filter, parent, path) };
    case "[]":
      throw invalidPath(`${path}: a value filter cannot nest another`);
    default: {
      const sub = findSubAttribute(parent, filter.attrPath);
      if (!sub) throw invalidPath(`${path}: ${parent.name} has no sub-attribute ${filter.attrPath}`);
      if (filter.op === "pr") return { ...filter, attrPath: sub.name };
      // Types are stored lower-cased; primary may come as Entra's "True".
      const compValue =
        sub.name === "type" && typeof filter.compValue === "string"
          ? filter.compValue.toLowerCase()
          : sub.type === "boolean"
            ? (scimBoolean(filter.compValue) ?? filter.compValue)
            : filter.compValue;
      return { ...filter, attrPath: sub.name, compValue };
    }
  }
}

/** Splits `emails[type eq "work"].value` into its attribute, filter and sub-attribute. */
function splitValuePath(path: string): { base: string; filter?: string; after: string } {
  const open = path.indexOf("[");
  if (open === -1) return { base: path, after: "" };
  const close = path.lastIndexOf("]");
  if (close < open) throw invalidPath(`${path}: the value filter has no closing ]`);
  return { base: path.slice(0, open), filter: path.slice(open + 1, close), after: path.slice(close + 1) };
}

export function resolvePatchPath(raw: string): PatchTarget {
  const path = raw.trim();
  const { base, filter, after } = splitValuePath(path);
  if (!ATTRIBUTE_PATH.test(base) || (after !== "" && !/^\.[A-Za-z$][\w$-]*$/.test(after))) throw invalidPath(`${path} is not a valid attribute path`);
  const resolved = resolvePath(base);
  if (resolved.kind === "extension") {
    if (filter !== undefined || after) throw invalidPath(`${path}: the extension ${ENTERPRISE_USER_SCHEMA} takes no filter`);
    return { kind: "extension" };
  }
  if (resolved.kind === "unknown") return { kind: "ignored" };
  const { attribute, extension } = resolved;
  if (!extension && READ_ONLY.has(attribute.name)) throw mutability(`${attribute.name} is read-only; a PATCH cannot change it`);
  const prefix = extension ? `${ENTERPRISE_USER_SCHEMA}:` : "";
  if (filter === undefined)
    return {
      kind: "attribute",
      path: `${prefix}${attribute.name}${resolved.sub ? `.${resolved.sub.name}` : ""}`,
      extension,
      attribute,
      sub: resolved.sub,
      filtered: false,
    };

  if (resolved.sub || !attribute.multiValued) throw invalidPath(`${path}: only a multi-valued attribute such as emails takes a value filter`);
  let parsed: Filter;
  try {
    parsed = parseFilterText(filter);
  } catch (error) {
    if (error instanceof FilterTextRefused) throw invalidPath(`${path}: the value filter ${error.message}`);
    throw invalidPath(`${path}: the value filter is not valid (${error instanceof Error ? error.message : String(error)})`);
  }
  let sub: ScimAttribute | undefined;
  if (after) {
    sub = findSubAttribute(attribute, after.slice(1));
    if (!sub) throw invalidPath(`${path}: ${attribute.name} has no sub-attribute ${after.slice(1)}`);
  }
  const canonical = stringify(canonicalFilter(parsed, attribute, path));
  return { kind: "attribute", path: `${prefix}${attribute.name}[${canonical}]${sub ? `.${sub.name}` : ""}`, extension, attribute, sub, filtered: true };
}
