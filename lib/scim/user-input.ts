import { z } from "zod";
import type { ScimUserRecord, ScimUserWrite } from "@/db/queries/scim-users";
import { ApiError } from "@/lib/api/errors";
import { emailFields, foldText } from "@/lib/domain/email";
import { newUserFields } from "@/lib/domain/user-fields";
import { isPlausibleEmail } from "@/lib/leavers/classify";
import { ENTERPRISE_USER_SCHEMA, fieldsOf, NAME_PARTS, scimBoolean, STORED_TEXTS, userNameKey } from "./attributes";
import { canonicalUser, isObject } from "./canonical";
import { splitPhone } from "./phone";
import { compact, type StoredAttributes } from "./stored-attributes";

// Reads a SCIM User body (POST, PUT, or a PATCH applied to the current resource) into what
// db/queries/scim-users.ts writes: one validation and one mapping for all three (ADR 0017).

const MAX_TEXT = 1_024;
const MAX_USER_NAME = 256;
const MAX_TYPE = 64;

const text = (what: string, max = MAX_TEXT) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .max(max, `${what} is at most ${max.toLocaleString("en-US")} characters`)
    .nullish()
    .transform((value) => value || undefined);

const type = (what: string) => text(what, MAX_TYPE).transform((value) => value?.toLowerCase());

const boolean = (what: string) =>
  z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === null) return undefined;
      const parsed = scimBoolean(value);
      if (parsed === undefined) ctx.addIssue({ code: "custom", message: `${what} must be true or false` });
      return parsed;
    });

const list = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item, { error: `${what} must be an array` })
    .max(100, `at most 100 ${what}`)
    .nullish()
    .transform((value) => value ?? []);

const emailSchema = z.object(
  {
    value: z
      .string({ error: "value must be an email address" })
      .trim()
      .refine((value) => isPlausibleEmail(value), "value must be an email address"),
    type: type("type"),
    primary: boolean("primary"),
  },
  { error: "each email must be an object with a value" },
);

const phoneSchema = z.object(
  {
    value: z.string({ error: "value must be a string" }).trim().min(1, "value must not be empty").max(64, "value is at most 64 characters"),
    type: type("type"),
    primary: boolean("primary"),
  },
  { error: "each phone number must be an object with a value" },
);

const nameSchema = z.object(fieldsOf(NAME_PARTS, (part) => text(`name.${part}`))).nullish();

const managerSchema = z
  .union(
    [
      // Entra ID writes the manager as its id alone.
      z
        .string()
        .trim()
        .transform((value) => ({ value: value || undefined })),
      z.object({ value: text("manager.value"), displayName: text("manager.displayName"), $ref: text("manager.$ref") }),
    ],
    { error: "manager must be an object with the manager's value, or the value alone" },
  )
  .nullish();

const enterpriseSchema = z
  .object({
    employeeNumber: text("employeeNumber", 200),
    costCenter: text("costCenter"),
    organization: text("organization"),
    division: text("division"),
    department: text("department"),
    manager: managerSchema,
  })
  .nullish();

const userSchema = z.object({
  id: z.unknown().optional(),
  userName: z
    .string({ error: "userName is required" })
    .trim()
    .min(1, "userName must not be empty")
    .max(MAX_USER_NAME, `userName is at most ${MAX_USER_NAME} characters`),
  externalId: text("externalId", MAX_USER_NAME),
  name: nameSchema,
  displayName: text("displayName"),
  ...fieldsOf(STORED_TEXTS, (name) => text(name)),
  active: boolean("active"),
  emails: list(emailSchema, "emails"),
  phoneNumbers: list(phoneSchema, "phoneNumbers"),
  [ENTERPRISE_USER_SCHEMA]: enterpriseSchema,
});

type ParsedUser = z.output<typeof userSchema>;
type Email = z.output<typeof emailSchema>;

const invalid = (message: string, details?: Record<string, string>) => new ApiError("invalid_input", message, { scimType: "invalidValue", details });

/** The user's address in Roster: the primary email, else the work one, else the first, else userName when it is an address. */
function chooseEmails(user: ParsedUser): { primary: Email; others: Email[] } {
  const primaries = user.emails.filter((email) => email.primary);
  if (primaries.length > 1) throw invalid("At most one email may be primary", { emails: `${primaries.length} are marked primary` });
  const primary = primaries[0] ?? user.emails.find((email) => email.type === "work") ?? user.emails[0];
  if (primary) return { primary, others: user.emails.filter((email) => email !== primary) };
  if (isPlausibleEmail(user.userName)) return { primary: { value: user.userName, type: undefined, primary: true }, others: [] };
  throw invalid("An email address is required: give emails, or a userName that is an email address", { emails: "required" });
}

function otherEmails(primary: Email, others: Email[]): ScimUserWrite["otherEmails"] {
  const seen = new Set<string>([emailFields(primary.value).emailNormalized]);
  const result: ScimUserWrite["otherEmails"] = [];
  for (const email of others) {
    const fields = emailFields(email.value);
    if (seen.has(fields.emailNormalized)) continue;
    seen.add(fields.emailNormalized);
    result.push({ ...fields, label: email.type ?? "other" });
  }
  return result;
}

/** The first two phone numbers, the primary one first: the user's primary and secondary mobiles. */
function chooseMobiles(user: ParsedUser): ParsedUser["phoneNumbers"] {
  const primary = user.phoneNumbers.find((phone) => phone.primary);
  return (primary ? [primary, ...user.phoneNumbers.filter((phone) => phone !== primary)] : user.phoneNumbers).slice(0, 2);
}

function zodDetails(error: z.ZodError): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) details[issue.path.map(String).join(".") || "body"] ??= issue.message;
  return details;
}

export type ReadContext = {
  /** PUT and PATCH: the user as it is; absent on POST. */
  current?: ScimUserRecord;
  /** PUT and PATCH: the id in the path, which a body may repeat but not change. */
  pathId?: string;
};

type NameParts = { formatted?: string; givenName?: string; familyName?: string };

/** The name Roster gives the user: the displayName, else the name's formatted form or parts, else the userName. */
export function displayNameOf(user: { displayName?: string; name?: NameParts | null; userName: string }): string {
  const given = user.name ?? {};
  return user.displayName ?? given.formatted ?? ([given.givenName, given.familyName].filter(Boolean).join(" ") || undefined) ?? user.userName;
}

/** A SCIM User body, validated and mapped onto Roster; 400 with the scimType a provider can act on when it cannot be. */
export function readScimUser(body: unknown, context: ReadContext = {}): ScimUserWrite {
  if (!isObject(body)) throw new ApiError("invalid_input", "The request body must be a SCIM User object", { scimType: "invalidSyntax" });
  const canonical = canonicalUser(body);
  const parsed = userSchema.safeParse(canonical);
  if (!parsed.success) throw invalid("The User is invalid", zodDetails(parsed.error));
  const user = parsed.data;
  if (context.pathId !== undefined && user.id !== undefined && user.id !== null && user.id !== context.pathId) {
    throw new ApiError("invalid_input", `id is read-only: the body says ${JSON.stringify(user.id)}, the path ${context.pathId}`, { scimType: "mutability" });
  }

  const { primary, others } = chooseEmails(user);
  const given: Partial<NonNullable<ParsedUser["name"]>> = user.name ?? {};
  const enterprise: Partial<NonNullable<ParsedUser[typeof ENTERPRISE_USER_SCHEMA]>> = user[ENTERPRISE_USER_SCHEMA] ?? {};
  const name = displayNameOf(user);
  const mobiles = chooseMobiles(user);
  const uniqueCode = enterprise.employeeNumber
    ? { value: enterprise.employeeNumber, folded: foldText(enterprise.employeeNumber) }
    : context.current
      ? null
      : generatedUniqueCode(primary.value, name);

  const attributes: StoredAttributes = compact({
    name: user.name ?? undefined,
    displayName: user.displayName,
    ...fieldsOf(STORED_TEXTS, (name) => user[name]),
    primaryEmailType: primary.type,
    phoneNumbers: mobiles.length ? mobiles.map((phone) => ({ value: phone.value, type: phone.type })) : undefined,
    enterprise: {
      costCenter: enterprise.costCenter,
      organization: enterprise.organization,
      division: enterprise.division,
      manager: enterprise.manager ?? undefined,
    },
  });

  return {
    userName: user.userName,
    usernameKey: userNameKey(user.userName),
    externalId: user.externalId ?? null,
    ...emailFields(primary.value),
    otherEmails: otherEmails(primary, others),
    mobiles: mobiles.map((phone, index) => ({ kind: index === 0 ? "primary" : "secondary", ...splitPhone(phone.value) })),
    name,
    nameFolded: foldText(name),
    uniqueCode,
    employeeNumberGiven: enterprise.employeeNumber !== undefined,
    nameGiven: [user.displayName, given.formatted, given.givenName, given.familyName].some(Boolean),
    department: enterprise.department ?? "",
    attributes,
    active: user.active ?? context.current?.user.active ?? true,
  };
}

/** A new user's unique code when the provider sends no employeeNumber: the one every new user gets. */
function generatedUniqueCode(email: string, name: string): NonNullable<ScimUserWrite["uniqueCode"]> {
  const fields = newUserFields({ email, name });
  return { value: fields.uniqueCode, folded: fields.uniqueCodeFolded };
}
