import type { AttrExp, Compare, Filter } from "scim2-parse-filter";
import type { ScimComparison, ScimCondition, ScimField } from "@/db/queries/scim-users";
import { ApiError } from "@/lib/api/errors";
import { normalizeEmail } from "@/lib/domain/email";
import { FILTERABLE_PATHS, fieldOf, findSubAttribute, resolvePath, scimBoolean, userNameKey, type AttributeType } from "./attributes";
import { FilterTextRefused, parseFilterText } from "./filter-text";

/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed by scim2-parse-filter and compiled here onto the fields
 * db/queries/scim-users.ts knows, with values normalized as stored: userName as its key, addresses
 * as email keys, dates as epoch milliseconds. Anything Roster cannot answer exactly is 400
 * invalidFilter, with what to do instead.
 */

export const MAX_FILTER_DEPTH = 16;

export const invalidFilter = (detail: string) => new ApiError("invalid_input", detail, { scimType: "invalidFilter" });

const ORDER_OPS = new Set(["gt", "ge", "lt", "le"]);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A filterable attribute path: its field and how its values compare. */
type Target = { field: ScimField; type: AttributeType; path: string };

function targetOf(path: string): Target {
  const found = fieldOf(path);
  if (!found) throw invalidFilter(`Filtering on ${path} is not supported; filter on ${FILTERABLE_PATHS.join(", ")}`);
  return { ...found, path };
}

function compareValue(target: Target, op: Compare["op"], value: Compare["compValue"]): string | number | boolean {
  const { path, type, field } = target;
  if (value === null) throw invalidFilter(`${path} ${op} null: test for absence with "not (${path} pr)"`);
  if (type === "boolean") {
    if (op !== "eq" && op !== "ne") throw invalidFilter(`${path} is true or false: compare it with eq or ne, not ${op}`);
    const parsed = scimBoolean(value);
    if (parsed === undefined) throw invalidFilter(`${path} compares with true or false, not ${JSON.stringify(value)}`);
    return parsed;
  }
  if (typeof value !== "string") throw invalidFilter(`${path} compares with a quoted string, not ${JSON.stringify(value)}`);
  if (type === "dateTime") {
    if (op !== "eq" && op !== "ne" && !ORDER_OPS.has(op)) throw invalidFilter(`${path} is a date-time: compare it with eq, ne, gt, ge, lt or le, not ${op}`);
    const time = DATE_TIME.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(time)) throw invalidFilter(`${path} compares with an ISO 8601 date-time such as "2024-05-13T04:42:34Z", not ${JSON.stringify(value)}`);
    return time;
  }
  if (field === "userName") return userNameKey(value);
  if (field === "email") return normalizeEmail(value);
  return value;
}

/** One leaf inside `emails[…]`: a comparison of value, type or primary. */
type EmailLeaf = AttrExp;

/** A value filter as an or of ands of leaves, so each and becomes one address condition. */
function disjunctiveForm(node: Filter, path: string): EmailLeaf[][] {
  switch (node.op) {
    case "or":
      return node.filters.flatMap((child) => disjunctiveForm(child, path));
    case "and": {
      let product: EmailLeaf[][] = [[]];
      for (const child of node.filters) {
        const branches = disjunctiveForm(child, path);
        product = product.flatMap((left) => branches.map((right) => [...left, ...right]));
        if (product.length > MAX_FILTER_DEPTH) throw invalidFilter(`The filter inside ${path}[…] has too many alternatives; split it`);
      }
      return product;
    }
    case "not":
    case "[]":
      throw invalidFilter(`${path}[…] supports comparisons of value, type and primary joined by and/or; not ${node.op === "not" ? "not" : "nested […]"}`);
    default:
      return [[node]];
  }
}

/** One conjunction of an emails[…] filter: which addresses (type, primary), and how their value compares. */
function emailCondition(leaves: EmailLeaf[], path: string): ScimCondition {
  let emailType: string | undefined;
  let emailPrimary: boolean | undefined;
  // "Has an address of this kind" (no value comparison, or `value pr`): every address contains "".
  let comparison: ScimComparison | undefined;
  let valueCompared = false;
  for (const leaf of leaves) {
    const subName = leaf.attrPath.toLowerCase();
    if (subName === "value") {
      if (valueCompared) throw invalidFilter(`Compare value at most once in each alternative of ${path}[…]`);
      valueCompared = true;
      const target: Target = { field: "email", type: "string", path: `${path}.value` };
      if (leaf.op !== "pr") comparison = { op: leaf.op, field: "email", value: compareValue(target, leaf.op, leaf.compValue) };
    } else if (subName === "type") {
      if (leaf.op !== "eq" || typeof leaf.compValue !== "string") throw invalidFilter(`In ${path}[…], compare type with eq and a quoted string`);
      if (emailType !== undefined && emailType !== leaf.compValue.toLowerCase()) throw invalidFilter(`${path}[…] names two types in one alternative`);
      emailType = leaf.compValue.toLowerCase();
    } else if (subName === "primary") {
      const value = leaf.op === "eq" || leaf.op === "ne" ? scimBoolean(leaf.compValue) : undefined;
      if (value === undefined || leaf.op === "pr") throw invalidFilter(`In ${path}[…], compare primary with eq or ne and true or false`);
      emailPrimary = leaf.op === "eq" ? value : !value;
    } else {
      throw invalidFilter(`${path}[…] filters on value, type and primary; not ${leaf.attrPath}`);
    }
  }
  const base: ScimComparison = comparison ?? { op: "co", field: "email", value: "" };
  return { ...base, ...(emailType !== undefined && { emailType }), ...(emailPrimary !== undefined && { emailPrimary }) };
}

function valuePath(node: Extract<Filter, { op: "[]" }>): ScimCondition {
  const resolved = resolvePath(node.attrPath);
  const value = resolved.kind === "attribute" && !resolved.sub && resolved.attribute.multiValued ? findSubAttribute(resolved.attribute, "value") : undefined;
  if (value?.field !== "email") throw invalidFilter(`Value filters (${node.attrPath}[…]) are supported on emails only`);
  const conditions = disjunctiveForm(node.valFilter, node.attrPath).map((leaves) => emailCondition(leaves, node.attrPath));
  return conditions.length === 1 ? conditions[0]! : { op: "or", conditions };
}

/**
 * scim2-parse-filter reads `emails[type eq "work"].value eq "x"` as `emails[type eq "work"] and
 * emails.value eq "x"`; both are about one address, so they are put back together.
 */
function joinSubAttributeOfValuePath(filters: Filter[]): Filter[] {
  const joined: Filter[] = [];
  for (const filter of filters) {
    const previous = joined.at(-1);
    if (previous?.op === "[]" && "attrPath" in filter && filter.op !== "[]") {
      const prefix = `${previous.attrPath.toLowerCase()}.`;
      if (filter.attrPath.toLowerCase().startsWith(prefix)) {
        const inner = { ...filter, attrPath: filter.attrPath.slice(prefix.length) } as Filter;
        joined[joined.length - 1] = { ...previous, valFilter: { op: "and", filters: [previous.valFilter, inner] } };
        continue;
      }
    }
    joined.push(filter);
  }
  return joined;
}

function compile(node: Filter): ScimCondition {
  switch (node.op) {
    case "and":
    case "or": {
      const filters = node.op === "and" ? joinSubAttributeOfValuePath(node.filters) : node.filters;
      return filters.length === 1 ? compile(filters[0]!) : { op: node.op, conditions: filters.map(compile) };
    }
    case "not":
      return { op: "not", condition: compile(node.filter) };
    case "[]":
      return valuePath(node);
    case "pr":
      return { op: "pr", field: targetOf(node.attrPath).field };
    default: {
      const target = targetOf(node.attrPath);
      return { op: node.op, field: target.field, value: compareValue(target, node.op, node.compValue) };
    }
  }
}

/** How deeply a filter nests, by its parentheses and brackets (outside quoted strings) and by its logical operators. */
function depthOf(text: string, node: Filter): number {
  let depth = 0;
  let deepest = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === "\\") index++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === "(" || char === "[") deepest = Math.max(deepest, ++depth);
    else if (char === ")" || char === "]") depth--;
  }
  const nodeDepth = (filter: Filter): number =>
    filter.op === "and" || filter.op === "or"
      ? 1 + Math.max(...filter.filters.map(nodeDepth))
      : filter.op === "not"
        ? 1 + nodeDepth(filter.filter)
        : filter.op === "[]"
          ? 1 + nodeDepth(filter.valFilter)
          : 0;
  return Math.max(deepest, nodeDepth(node));
}

/** A filter as the data layer's condition; 400 invalidFilter for anything it cannot be. */
export function compileFilter(text: string): ScimCondition {
  let ast: Filter;
  try {
    ast = parseFilterText(text);
  } catch (error) {
    if (error instanceof FilterTextRefused) throw invalidFilter(`The filter ${error.message}`);
    throw invalidFilter(`The filter is not valid SCIM filter syntax (RFC 7644 §3.4.2.2): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (depthOf(text, ast) > MAX_FILTER_DEPTH) throw invalidFilter(`The filter nests more than ${MAX_FILTER_DEPTH} levels deep; simplify it`);
  return compile(ast);
}
