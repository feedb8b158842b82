import type { Dialect } from "../driver/types";
import { codePointOrder, prefixUpperBound } from "../prepared";
import type { ScimComparison, ScimCondition, ScimField, ScimScope } from "./scim-user-records";

/**
 * A SCIM filter (already parsed and normalized by lib/scim) as a condition on `identities i join
 * users u`, and a sort as an ORDER BY. The SQL follows the filter's shape (and of its values only
 * whether a flag is true and a string empty), so that each shape is one prepared statement.
 *
 * Every condition is true or false, never null (an absent attribute compares false), so that `not`
 * turns an absent attribute's false into true. eq and sw on userName, externalId and the email
 * addresses are read from their indexes (sw as a range in code point order); the other operators
 * test the provider's SCIM users one by one.
 */

export type SqlFragment = { sql: string; args: (string | number)[] };
type Context = { dialect: Dialect; scope: ScimScope };
const TRUE: SqlFragment = { sql: "true", args: [] };

/** Case-insensitive comparisons lower-case ASCII alone, on both databases (PostgreSQL's lower() under "C" does just that). */
export const lowered = (dialect: Dialect, expr: string) => (dialect === "postgres" ? `lower(${expr} collate "C")` : `lower(${expr})`);
const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

const nameAttribute = (dialect: Dialect, key: "givenName" | "familyName") =>
  dialect === "sqlite" ? `json_extract(i.scim_attributes, '$.name.${key}')` : `(i.scim_attributes -> 'name' ->> '${key}')`;

/** SCIM's meta.lastModified: the later of the user's change and its identity's (attributes such as title live on the identity). */
export const LAST_MODIFIED = { sqlite: "max(u.updated_at, i.updated_at)", postgres: "greatest(u.updated_at, i.updated_at)" } as const;

/** The primary address's SCIM type: what the provider called it, "work" when it did not say. */
const primaryEmailType = (dialect: Dialect, identity: string) =>
  lowered(
    dialect,
    dialect === "sqlite"
      ? `coalesce(json_extract(${identity}.scim_attributes, '$.primaryEmailType'), 'work')`
      : `coalesce(${identity}.scim_attributes ->> 'primaryEmailType', 'work')`,
  );

type FieldSql = {
  kind: "text" | "number" | "boolean";
  expr: (dialect: Dialect) => string;
  caseInsensitive?: boolean;
  /** The index serving its equality is in code point order only (PostgreSQL): eq compares in it too. */
  codePointIndex?: boolean;
  /** Holds where the field has a value; comparisons require it (an absent value compares false). */
  has?: (dialect: Dialect) => string;
  /** `pr`: present and not empty. */
  present: (dialect: Dialect) => string;
};

const always = () => "true";
const EXTERNAL_ID_GIVEN = () => "i.external_id <> i.id";
const nameField = (key: "givenName" | "familyName"): FieldSql => ({
  kind: "text",
  expr: (dialect) => nameAttribute(dialect, key),
  caseInsensitive: true,
  has: (dialect) => `${nameAttribute(dialect, key)} is not null`,
  present: (dialect) => `coalesce(${nameAttribute(dialect, key)}, '') <> ''`,
});

const FIELDS: Record<Exclude<ScimField, "email">, FieldSql> = {
  id: { kind: "text", expr: () => "i.user_id", present: always },
  // A hand-linked identity has no key (its userName is its external id): no userName comparison matches it.
  userName: { kind: "text", expr: () => "i.username_key", codePointIndex: true, has: () => "i.username_key is not null", present: always },
  externalId: { kind: "text", expr: () => "i.external_id", has: EXTERNAL_ID_GIVEN, present: EXTERNAL_ID_GIVEN },
  displayName: { kind: "text", expr: () => "u.name", caseInsensitive: true, present: () => "u.name <> ''" },
  givenName: nameField("givenName"),
  familyName: nameField("familyName"),
  active: { kind: "boolean", expr: () => "u.active", present: always },
  created: { kind: "number", expr: () => "u.created_at", present: always },
  lastModified: { kind: "number", expr: (dialect) => LAST_MODIFIED[dialect], present: always },
};

const RANGE = { gt: ">", ge: ">=", lt: "<", le: "<=" } as const;

const invalid = (condition: ScimComparison, why: string) => new RangeError(`${condition.field} ${condition.op}: ${why}`);

/**
 * A comparison of a text expression with a string. `lhs` is in code point order already where
 * order matters; `eqLhs` is what equality compares (without a collation where a default-collation
 * index serves it on PostgreSQL).
 */
function textComparison(dialect: Dialect, op: ScimComparison["op"], lhs: string, eqLhs: string, value: string): SqlFragment {
  if (op === "eq") return { sql: `${eqLhs} = ?`, args: [value] };
  if (op === "gt" || op === "ge" || op === "lt" || op === "le") return { sql: `${lhs} ${RANGE[op]} ?`, args: [value] };
  // Every value starts with, ends with and contains "" (and a range cannot say so).
  if (value === "" && (op === "sw" || op === "ew" || op === "co")) return TRUE;
  if (op === "sw") return { sql: `${lhs} >= ? and ${lhs} < ?`, args: [value, prefixUpperBound(value)] };
  if (op === "co") return { sql: dialect === "sqlite" ? `instr(${lhs}, ?) > 0` : `strpos(${lhs}, ?) > 0`, args: [value] };
  if (op === "ew") {
    const length = Array.from(value).length;
    return dialect === "sqlite" ? { sql: `substr(${lhs}, ?) = ?`, args: [-length, value] } : { sql: `right(${lhs}, ?) = ?`, args: [length, value] };
  }
  throw new RangeError(`unknown operator ${op}`);
}

const and = (...parts: SqlFragment[]): SqlFragment => {
  const needed = parts.filter((part) => part.sql !== TRUE.sql);
  return needed.length === 0 ? TRUE : { sql: needed.map((part) => part.sql).join(" and "), args: needed.flatMap((part) => part.args) };
};
const not = (part: SqlFragment): SqlFragment => ({ sql: `not (${part.sql})`, args: part.args });

function fieldComparison({ dialect }: Context, condition: ScimComparison & { field: Exclude<ScimField, "email"> }): SqlFragment {
  const field = FIELDS[condition.field];
  const { op, value } = condition;
  const expr = field.expr(dialect);
  let compared: SqlFragment;
  if (field.kind === "boolean") {
    if (typeof value !== "boolean") throw invalid(condition, "compares with true or false");
    if (op !== "eq") throw invalid(condition, "a boolean is only compared with eq or ne");
    compared = { sql: `${expr} = ${value ? "true" : "false"}`, args: [] };
  } else if (field.kind === "number") {
    if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(condition, "compares with a time (epoch milliseconds)");
    if (op !== "eq" && op !== "gt" && op !== "ge" && op !== "lt" && op !== "le")
      throw invalid(condition, "a time is only compared with eq, ne, gt, ge, lt or le");
    compared = { sql: `${expr} ${op === "eq" ? "=" : RANGE[op]} ?`, args: [value] };
  } else {
    if (typeof value !== "string") throw invalid(condition, "compares with a string");
    const lhs = field.caseInsensitive ? lowered(dialect, expr) : `${expr}${codePointOrder(dialect)}`;
    const eqLhs = field.caseInsensitive || field.codePointIndex ? lhs : expr;
    compared = textComparison(dialect, op, lhs, eqLhs, field.caseInsensitive ? asciiLower(value) : value);
  }
  return field.has ? { sql: `(${and({ sql: field.has(dialect), args: [] }, compared).sql})`, args: compared.args } : compared;
}

/**
 * An address comparison: the primary (users.email_normalized) or any other (user_emails), narrowed
 * by the SCIM type and primary flag of a value filter. eq and sw read the tenant's address indexes
 * (users_tenant_email_unique / user_emails_tenant_email_idx, their "C" twins on PostgreSQL) for the
 * users that hold a match; the other operators test each SCIM user's own addresses.
 */
function emailComparison({ dialect, scope }: Context, condition: ScimComparison): SqlFragment {
  const { op, value } = condition;
  if (typeof value !== "string") throw invalid(condition, "compares with a string");
  const cp = codePointOrder(dialect);
  const key = (column: string) => textComparison(dialect, op, `${column}${cp}`, column, value);
  const type = condition.emailType === undefined ? undefined : asciiLower(condition.emailType);
  const labelled = (alias: string): SqlFragment => (type === undefined ? TRUE : { sql: `${lowered(dialect, `${alias}.label`)} = ?`, args: [type] });
  const primary = condition.emailPrimary !== false;
  const others = condition.emailPrimary !== true;
  const branches: SqlFragment[] = [];
  if (indexedLookup(condition, ["email"])) {
    if (primary) {
      const tenant = { sql: "p.tenant_id = ?", args: [scope.tenantId] };
      branches.push(
        type === undefined
          ? and({ sql: `select p.id from users p where ${tenant.sql}`, args: tenant.args }, key("p.email_normalized"))
          : and({ sql: `select p.id from users p join identities pi on pi.user_id = p.id where ${tenant.sql}`, args: tenant.args }, key("p.email_normalized"), {
              sql: `pi.identity_provider_id = ? and ${primaryEmailType(dialect, "pi")} = ?`,
              args: [scope.providerId, type],
            }),
      );
    }
    if (others) {
      branches.push(
        and({ sql: "select e.user_id from user_emails e where e.tenant_id = ?", args: [scope.tenantId] }, key("e.email_normalized"), labelled("e")),
      );
    }
    return { sql: `i.user_id in (${branches.map((branch) => branch.sql).join(" union all ")})`, args: branches.flatMap((branch) => branch.args) };
  }
  if (primary) {
    branches.push(
      type === undefined ? key("u.email_normalized") : and({ sql: `${primaryEmailType(dialect, "i")} = ?`, args: [type] }, key("u.email_normalized")),
    );
  }
  if (others) {
    const exists = and({ sql: "e.user_id = u.id", args: [] }, key("e.email_normalized"), labelled("e"));
    branches.push({ sql: `exists (select 1 from user_emails e where ${exists.sql})`, args: exists.args });
  }
  return { sql: `(${branches.map((branch) => `(${branch.sql})`).join(" or ")})`, args: branches.flatMap((branch) => branch.args) };
}

/** The condition as SQL over `identities i join users u`. Throws RangeError for a comparison the field does not have. */
export function filterSql(dialect: Dialect, scope: ScimScope, condition: ScimCondition): SqlFragment {
  const context = { dialect, scope };
  const compile = (c: ScimCondition): SqlFragment => {
    switch (c.op) {
      case "and":
      case "or": {
        if (c.conditions.length === 0) return { sql: c.op === "and" ? "true" : "false", args: [] };
        const parts = c.conditions.map(compile);
        return { sql: `(${parts.map((part) => part.sql).join(` ${c.op} `)})`, args: parts.flatMap((part) => part.args) };
      }
      case "not":
        return not(compile(c.condition));
      case "pr":
        return { sql: c.field === "email" ? "true" : FIELDS[c.field].present(dialect), args: [] };
      case "ne":
        return not(compile({ ...c, op: "eq" }));
      default:
        return c.field === "email" ? emailComparison(context, c) : fieldComparison(context, { ...c, field: c.field });
    }
  };
  return compile(condition);
}

/** The conditions a row must meet all of: the condition, or the children of its top-level ands. */
const conjunctsOf = (condition: ScimCondition): ScimCondition[] => (condition.op === "and" ? condition.conditions.flatMap(conjunctsOf) : [condition]);
function indexedLookup(condition: ScimCondition, fields: readonly ScimField[]): condition is ScimComparison {
  return (condition.op === "eq" || condition.op === "sw") && fields.includes(condition.field) && condition.value !== "";
}

/** The fields whose eq and sw (with a value) an index answers. */
export const INDEXED_LOOKUP_FIELDS: readonly ScimField[] = ["userName", "externalId", "id", "email"];
/** Whether an index finds the rows the condition may hold for: an eq or sw lookup, an `or` of such, an `and` with one. */
const narrowedByIndex = (c: ScimCondition): boolean =>
  indexedLookup(c, INDEXED_LOOKUP_FIELDS) ||
  (c.op === "or" && c.conditions.length > 0 && c.conditions.every(narrowedByIndex)) ||
  (c.op === "and" && c.conditions.some(narrowedByIndex));
/** Whether the index alone decides it: a lookup, or an `or` of lookups. */
const decidedByIndex = (c: ScimCondition): boolean =>
  indexedLookup(c, INDEXED_LOOKUP_FIELDS) || (c.op === "or" && c.conditions.length > 0 && c.conditions.every(decidedByIndex));

/**
 * The users a list must read one by one to answer: every one of the provider's when the filter has no
 * conjunct an index narrows it by, else those its narrowed conjuncts find; `complete` when that is the
 * whole filter (no condition left to test row by row).
 */
export function candidatesOf(condition: ScimCondition | undefined): { narrowing: ScimCondition | undefined; complete: boolean } {
  if (!condition) return { narrowing: undefined, complete: true };
  const conjuncts = conjunctsOf(condition);
  const narrowed = conjuncts.filter(narrowedByIndex);
  const narrowing = narrowed.length === 0 ? undefined : narrowed.length === 1 ? narrowed[0] : { op: "and" as const, conditions: narrowed };
  return { narrowing, complete: conjuncts.every(decidedByIndex) };
}

/** The fields held by the identity itself; the others are read from `users u`. */
const IDENTITY_FIELDS: ReadonlySet<ScimField> = new Set(["id", "userName", "externalId", "givenName", "familyName"]);

/**
 * Whether the condition reads `users u`. When neither it nor the sort does, the list's statements
 * leave the join out: every attached identity's user exists (a foreign key), and counting thousands
 * of userName prefix matches without it costs a tenth.
 */
export function conditionReadsUsers(condition: ScimCondition): boolean {
  switch (condition.op) {
    case "and":
    case "or":
      return condition.conditions.some(conditionReadsUsers);
    case "not":
      return conditionReadsUsers(condition.condition);
    case "pr":
      return condition.field !== "email" && !IDENTITY_FIELDS.has(condition.field);
    default:
      return condition.field === "email" ? !indexedLookup(condition, ["email"]) : !IDENTITY_FIELDS.has(condition.field);
  }
}

/**
 * The index SQLite must read the identities by (INDEXED BY) for a filter that an address lookup
 * narrows: left to itself, its planner (which has no statistics) walks all the provider's
 * identities and tests each against the addresses found, where reading the few users found by
 * their user_id is what scales. Undefined where its own choice is right: a userName, externalId or
 * id lookup, or no address lookup that every match must pass.
 */
export function sqliteIdentitiesIndex(condition: ScimCondition | undefined): string | undefined {
  const conjuncts = condition ? conjunctsOf(condition) : [];
  if (conjuncts.some((c) => indexedLookup(c, ["userName", "externalId", "id"]))) return undefined;
  return conjuncts.some((c) => indexedLookup(c, ["email"])) ? "identities_user_idx" : undefined;
}

const SORT_KEYS: Record<ScimField, { key: (dialect: Dialect) => string; nullable?: boolean }> = {
  id: { key: (dialect) => `i.user_id${codePointOrder(dialect)}` },
  userName: { key: (dialect) => `i.username_key${codePointOrder(dialect)}`, nullable: true },
  externalId: { key: (dialect) => `(case when i.external_id = i.id then null else i.external_id end)${codePointOrder(dialect)}`, nullable: true },
  email: { key: (dialect) => `u.email_normalized${codePointOrder(dialect)}` },
  displayName: { key: (dialect) => lowered(dialect, "u.name") },
  givenName: { key: (dialect) => lowered(dialect, nameAttribute(dialect, "givenName")), nullable: true },
  familyName: { key: (dialect) => lowered(dialect, nameAttribute(dialect, "familyName")), nullable: true },
  active: { key: () => "u.active" },
  created: { key: () => "u.created_at" },
  lastModified: { key: (dialect) => LAST_MODIFIED[dialect] },
};

/** Whether the sort reads `users u`. */
export const sortReadsUsers = (sortBy: ScimField | undefined) => sortBy !== undefined && !IDENTITY_FIELDS.has(sortBy);

// Comparisons that hold only where their field has a value (`ne` is `not eq`, true where it has none).
const NEEDS_VALUE = new Set(["eq", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
const requiresValue = (filter: ScimCondition | undefined, field: ScimField) =>
  filter !== undefined && conjunctsOf(filter).some((c) => NEEDS_VALUE.has(c.op) && "field" in c && c.field === field);

/** One term of an ORDER BY: an expression and its direction ("" is ascending). */
export type OrderTerm = { key: string; direction: "" | " asc" | " desc" };

/**
 * The ORDER BY of a list, term by term: by the field (absent values last ascending and first descending, as RFC
 * 7644 §3.4.2.3 says), ties by the user's id in code point order where there can be ties. Without a
 * sortBy, by the userName key as it is indexed (nulls, the hand-linked identities, where each
 * database puts them), so that a page of a userName prefix is read from the index instead of sorting
 * every match. Where the filter leaves no absent values, the ORDER BY does not ask about them, nor
 * (for the userName key, unique per provider) about ties, for the same reason.
 */
export function orderTerms(dialect: Dialect, sortBy: ScimField | undefined, descending = false, filter?: ScimCondition): OrderTerm[] {
  // No two of a provider's identities share a userName key (identities_provider_username_unique):
  // where the filter leaves none without one, the key alone is a total order. PostgreSQL took the
  // tie-breaker as an order its index does not give, and sorted every match first.
  const tieBreak = (field: ScimField): OrderTerm[] =>
    field === "userName" && requiresValue(filter, field) ? [] : [{ key: `i.user_id${codePointOrder(dialect)}`, direction: "" }];
  if (sortBy === undefined) return [{ key: SORT_KEYS.userName.key(dialect), direction: "" }, ...tieBreak("userName")];
  const { key, nullable } = SORT_KEYS[sortBy];
  const direction = descending ? " desc" : " asc";
  const absent: OrderTerm[] = nullable && !requiresValue(filter, sortBy) ? [{ key: `(case when ${key(dialect)} is null then 1 else 0 end)`, direction }] : [];
  return [...absent, { key: key(dialect), direction }, ...tieBreak(sortBy)];
}

export const orderSql = (terms: readonly OrderTerm[]) => `order by ${terms.map((term) => `${term.key}${term.direction}`).join(", ")}`;
