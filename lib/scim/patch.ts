import { scimPatch, type ScimPatchOperation, type ScimResource } from "scim-patch";
import { z } from "zod";
import { ApiError, type ScimErrorType } from "@/lib/api/errors";
import { ENTERPRISE_USER_SCHEMA, scimBoolean, type ScimAttribute } from "./attributes";
import { canonicalUser, canonicalValue, isObject, type JsonObject } from "./canonical";
import { resolvePatchPath, type PatchTarget } from "./patch-path";
import { PATCH_OP_SCHEMA, type ScimUserResource } from "./wire";

/**
 * PATCH (RFC 7644 §3.5.2) on a User: the operations are checked and written in one dialect first —
 * ops in any case (Entra's "Replace"), attribute names in any case, string booleans, Okta's
 * path-less `{"active": false}`, paths into the enterprise extension — then applied by scim-patch
 * to the current resource, one after another on a copy: the result is written only when all apply.
 */

export const MAX_OPERATIONS = 100;
/**
 * Values of multi-valued attributes (emails, phone numbers, …) a PATCH may carry in all. scim-patch
 * drops duplicates from each added list by comparing every new value with every value there, so
 * thousands of values in one body took seconds inside the write transaction (a 938 KB body, 15 s).
 * A user keeps at most 100 of each (./user-input.ts); twice that leaves room for a replace and an add.
 */
export const MAX_PATCH_VALUES = 200;

const syntax = (detail: string) => new ApiError("invalid_input", detail, { scimType: "invalidSyntax" });
const scimError = (scimType: ScimErrorType, detail: string) => new ApiError("invalid_input", detail, { scimType });

/** Keys looked up in any case: clients write `operations`, `Op`, `Path`. */
const byLowerKey = (object: JsonObject, key: string): unknown => Object.entries(object).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];

const patchSchema = z.object({
  schemas: z
    .array(z.string(), { error: `schemas must be a list including ${PATCH_OP_SCHEMA}` })
    .refine((schemas) => schemas.some((schema) => schema.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase()), `schemas must include ${PATCH_OP_SCHEMA}`),
  Operations: z
    .array(
      z.object(
        {
          op: z.string({ error: "op is required: add, remove or replace" }),
          path: z.string({ error: "path must be a string" }).nullish(),
          value: z.unknown().optional(),
        },
        { error: "each operation must be an object" },
      ),
      { error: "Operations must be a list of operations" },
    )
    .min(1, "Operations must not be empty")
    .max(MAX_OPERATIONS, `at most ${MAX_OPERATIONS} operations per PATCH`),
});

type Op = "add" | "remove" | "replace";
/** One step of the patch: scim-patch's operation, or (for the whole extension) a removal scim-patch cannot address. */
type Step = { index: number; operation: ScimPatchOperation } | { index: number; removeExtension: true };

/** Values as the resource holds them: Entra's "True"/"False" as booleans. */
function normalizedValue(attribute: ScimAttribute, sub: ScimAttribute | undefined, value: unknown): unknown {
  if ((sub ?? attribute).type === "boolean") return scimBoolean(value) ?? value;
  if (sub) return value;
  // Entra writes the manager as its id alone.
  if (attribute.name === "manager" && typeof value === "string") return { value };
  const canonical = canonicalValue(attribute, value);
  if (attribute.type === "complex" && !attribute.multiValued && Array.isArray(canonical)) {
    throw scimError("invalidValue", `${attribute.name} holds one value, not a list of ${canonical.length}`);
  }
  const withBooleans = (item: unknown) => (isObject(item) && "primary" in item ? { ...item, primary: scimBoolean(item.primary) ?? item.primary } : item);
  return Array.isArray(canonical) ? canonical.map(withBooleans) : withBooleans(canonical);
}

/** Path-less add/replace: one operation per attribute of the value, so a complex attribute's unnamed sub-attributes stay (§3.5.2.1). */
function expandValue(index: number, op: Op, value: unknown, userId: string | undefined): Step[] {
  if (!isObject(value)) throw scimError("invalidValue", `Operations[${index}]: without a path, value must be an object of attributes`);
  const canonical = canonicalUser(value);
  if ("meta" in canonical) throw scimError("mutability", `Operations[${index}]: meta is read-only`);
  if ("id" in canonical) {
    if (canonical.id !== userId) throw scimError("mutability", `Operations[${index}]: id is read-only`);
    delete canonical.id;
  }
  const entries: [string, unknown][] = Object.entries(canonical).flatMap(([key, child]) =>
    key === ENTERPRISE_USER_SCHEMA && isObject(child)
      ? Object.entries(child).map(([name, v]): [string, unknown] => [`${ENTERPRISE_USER_SCHEMA}:${name}`, v])
      : [[key, child]],
  );
  return entries.flatMap(([path, child]) => {
    const target = resolvePatchPath(path);
    if (target.kind !== "attribute") return [];
    const { attribute } = target;
    if (attribute.type === "complex" && !attribute.multiValued && isObject(child)) {
      return Object.entries(child).map(([sub, subValue]) => stepFor(index, op, `${target.path}.${sub}`, subValue));
    }
    return [stepFor(index, op, target.path, child)];
  });
}

function stepFor(index: number, op: Op, path: string, value: unknown): Step {
  const target = resolvePatchPath(path);
  if (target.kind !== "attribute") throw new Error(`${path} was resolved before`);
  return { index, operation: { op, path: target.path, value: normalizedValue(target.attribute, target.sub, value) } };
}

function stepsOf(index: number, op: Op, rawPath: string | undefined, value: unknown, userId: string | undefined): Step[] {
  if (rawPath === undefined) {
    if (op === "remove") throw scimError("noTarget", `Operations[${index}]: remove needs a path (RFC 7644 §3.5.2.2)`);
    return expandValue(index, op, value, userId);
  }
  const target: PatchTarget = resolvePatchPath(rawPath);
  if (target.kind === "ignored") return [];
  if (target.kind === "extension") {
    if (op === "remove") return [{ index, removeExtension: true }];
    if (!isObject(value)) throw scimError("invalidValue", `Operations[${index}]: ${ENTERPRISE_USER_SCHEMA} takes an object of its attributes`);
    return expandValue(index, op, { [ENTERPRISE_USER_SCHEMA]: value }, userId);
  }
  if (op === "remove") {
    // A remove names what goes; a value beside a single-valued target (Entra's manager) adds nothing.
    const keepsValue = target.attribute.multiValued && !target.filtered && !target.sub && value !== undefined;
    return [
      { index, operation: keepsValue ? { op, path: target.path, value: normalizedValue(target.attribute, undefined, value) } : { op, path: target.path } },
    ];
  }
  return [{ index, operation: { op, path: target.path, value: normalizedValue(target.attribute, target.sub, value) } }];
}

/** The operations of a PatchOp body on the user `userId`, validated and normalized; nothing is applied yet. */
function readPatch(body: unknown, userId: string | undefined): Step[] {
  if (!isObject(body)) throw syntax("The request body must be a PatchOp object");
  const parsed = patchSchema.safeParse({ schemas: byLowerKey(body, "schemas"), Operations: byLowerKey(body, "Operations") });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw syntax(`Invalid PatchOp: ${[issue.path.join("."), issue.message].filter(Boolean).join(": ")}`);
  }
  const steps = parsed.data.Operations.flatMap((operation, index) => {
    const op = operation.op.trim().toLowerCase();
    if (op !== "add" && op !== "remove" && op !== "replace")
      throw syntax(`Operations[${index}].op is add, remove or replace, not ${JSON.stringify(operation.op)}`);
    if (op !== "remove" && operation.value === undefined) throw syntax(`Operations[${index}]: ${op} needs a value`);
    const path = operation.path?.trim() || undefined;
    return stepsOf(index, op, path, operation.value, userId);
  });
  const values = steps.reduce((count, step) => count + ("operation" in step && Array.isArray(step.operation.value) ? step.operation.value.length : 0), 0);
  if (values > MAX_PATCH_VALUES)
    throw scimError(
      "invalidValue",
      `The PATCH carries ${values.toLocaleString("en-US")} values of multi-valued attributes; at most ${MAX_PATCH_VALUES} are accepted`,
    );
  return steps;
}

/** scim-patch's errors carry their scimType (`scimCode`); checked by shape, as they may come from another copy of the module. */
function patchFailure(error: unknown, step: Step): ApiError {
  const code = (error as { scimCode?: unknown } | null)?.scimCode;
  const message = error instanceof Error ? error.message : String(error);
  const where = `Operations[${step.index}]`;
  if (typeof code === "string")
    return scimError(code === "noTarget" || code === "invalidPath" || code === "invalidValue" ? code : "invalidSyntax", `${where}: ${message}`);
  return scimError("invalidValue", `${where} cannot be applied: ${message}`);
}

/** RFC 7644 §3.5.2: setting primary on one value unsets it on the others; the newly primary value wins. */
function onePrimary(before: ScimUserResource, after: JsonObject): void {
  for (const name of ["emails", "phoneNumbers"] as const) {
    const values = after[name];
    if (!Array.isArray(values)) continue;
    const primaries = values.filter((item): item is JsonObject => isObject(item) && item.primary === true);
    if (primaries.length < 2) continue;
    const wasPrimary = new Set((before[name] ?? []).filter((item) => item.primary).map((item) => item.value));
    const winner = primaries.find((item) => !wasPrimary.has(item.value as string)) ?? primaries.at(-1)!;
    for (const item of primaries) if (item !== winner) delete item.primary;
  }
}

/** The resource with every operation applied (a new object), or the error of the first that cannot be. */
export function applyPatch(current: ScimUserResource, body: unknown): JsonObject {
  const steps = readPatch(body, current.id);
  let resource = structuredClone(current) as unknown as ScimResource;
  for (const step of steps) {
    if ("removeExtension" in step) {
      delete (resource as unknown as JsonObject)[ENTERPRISE_USER_SCHEMA];
      continue;
    }
    try {
      resource = scimPatch(resource, [step.operation], { mutateDocument: true, treatMissingAsAdd: true });
    } catch (error) {
      throw patchFailure(error, step);
    }
  }
  const patched = resource as unknown as JsonObject;
  onePrimary(current, patched);
  return patched;
}

/**
 * The `active` a PATCH sets when setting it is all the PATCH does, in any dialect readPatch reads
 * (Okta's and Entra's deactivations, the commonest PATCH by far); undefined for any other PATCH.
 * A PatchOp that is not valid is refused here as applyPatch refuses it.
 */
export function activeOnly(body: unknown, userId: string): boolean | undefined {
  let active: boolean | undefined;
  for (const step of readPatch(body, userId)) {
    if ("removeExtension" in step) return undefined;
    const { op, path, value } = step.operation;
    if (op === "remove" || path !== "active" || typeof value !== "boolean") return undefined;
    active = value;
  }
  return active;
}
