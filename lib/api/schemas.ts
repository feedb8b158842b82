import { z } from "zod";
import { UUID_PATTERN, uuid } from "@/lib/contracts/common";
import { os1RequestEcho } from "./dialects/os1";
import { MAX_LIST_DEPTH, MIN_QUERY_CHARACTERS, USER_SORT_KEYS } from "@/db/queries/user-list-limits";
import { foldText, normalizeEmail } from "@/lib/domain/email";

export const MAX_ADDRESSES_PER_REQUEST = 1_000;
const MAX_LOOKUP_ADDRESS_CHARS = 200;
/**
 * The longest key (lib/domain/email.ts) a looked-up address may fold to. NFKC expands some characters
 * up to 18-fold (U+FDFA), and each key is a parameter of the lookup's one statement; twice the address
 * leaves room for what real addresses fold to (ß → ss, ﬃ → ffi).
 */
export const MAX_LOOKUP_KEY_CHARS = 2 * MAX_LOOKUP_ADDRESS_CHARS;
/** A user id for examples in the API documentation. */
export const USER_UUID_EXAMPLE = "c5f3afba-cc28-4f56-b922-1e606807bed4";

// ---- Mendix User Identifiers API -------------------------------------------------------------
export const emailAddressesRequest = z
  .object({
    emailAddresses: z
      .array(
        z.object({
          emailAddress: z
            .string({ error: "emailAddress must be a string" })
            .min(1, "emailAddress must not be empty")
            .max(MAX_LOOKUP_ADDRESS_CHARS, `emailAddress is at most ${MAX_LOOKUP_ADDRESS_CHARS} characters`)
            // Folded only within the length limit: past it the address is refused already.
            .refine(
              (address) => address.length > MAX_LOOKUP_ADDRESS_CHARS || normalizeEmail(address).length <= MAX_LOOKUP_KEY_CHARS,
              `emailAddress folds to more than ${MAX_LOOKUP_KEY_CHARS} characters (NFKC and case folding)`,
            ),
        }),
        { error: "emailAddresses must be an array of {emailAddress} objects" },
      )
      .min(1, "emailAddresses must contain at least one address")
      .max(MAX_ADDRESSES_PER_REQUEST, `at most ${MAX_ADDRESSES_PER_REQUEST.toLocaleString("en-US")} addresses per request`),
  })
  .meta({ id: "UserEmailAddresses" });

export const userIdentifiersResponse = z
  .object({
    identifiers: z.array(z.object({ emailAddress: z.string(), uuid: z.string().regex(UUID_PATTERN) })),
    error: z.union([z.object({}).strict(), z.object({ message: z.string(), emailAddresses: z.array(z.object({ emailAddress: z.string() })).min(1) })]),
  })
  .meta({ id: "UserIdentifiersPayload" });

export const mendixIdentifiersError = z
  .object({ statusCode: z.number().int(), errorCode: z.string(), errorText: z.string(), displayText: z.string().optional() })
  .meta({ id: "MendixIdentifiersError" });

// ---- Mendix User Deactivation API -----------------------------------------------------------
export const deactivationRequest = z.object({ active: z.boolean({ error: "active must be a boolean (false)" }) }).meta({ id: "DeactivationRequest" });

export const platformUserParams = z.object({ uuid: uuid("uuid") });

export const mendixDeactivationError = z
  .object({ error: z.object({ code: z.number().int(), message: z.string(), detail: z.string(), instance: z.string() }) })
  .meta({ id: "MendixDeactivationError" });

// ---- JITSudo ---------------------------------------------------------------------------------
export const userIdParams = z.object({ id: uuid("user id") });

export const identity = z
  .object({
    id: z.string(),
    user_id: z.string().nullable(),
    identity_provider_id: z.string(),
    provider_name: z.string(),
    provider_type: z.string(),
    external_id: z.string(),
    external_username: z.string().optional(),
    external_email: z.string().optional(),
    external_display_name: z.string().optional(),
    linked_by: z.enum(["auto", "manual", "scim"]),
    last_synced_at: z.string().optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "Identity" });

export const identitiesResponse = z.object({ data: z.array(identity) }).meta({ id: "IdentityList" });
export const identityResponse = z.object({ data: identity }).meta({ id: "IdentityCreated" });

const optionalText = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1)
    .max(max, `${what} is at most ${max} characters`)
    .optional();

export const linkIdentityRequest = z
  .object({
    identity_provider_id: uuid("identity_provider_id"),
    external_id: z
      .string({ error: (issue) => (issue.input === undefined ? "external_id is required" : "external_id must be a string") })
      .trim()
      .min(1, "external_id must not be empty")
      .max(200, "external_id is at most 200 characters"),
    external_username: optionalText("external_username", 200),
    external_email: optionalText("external_email", 200),
    external_display_name: optionalText("external_display_name", 200),
  })
  .meta({ id: "LinkIdentityRequest" });

export const jitsudoError = z
  .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.string()).optional(), notices: z.array(z.string()).optional() })
  .meta({ id: "JitsudoError" });

// ---- Delhivery OS1 ---------------------------------------------------------------------------
const booleanFlag = (what: string) => z.enum(["true", "false"], { error: `${what} must be true or false` }).transform((value) => value === "true");
const positiveInt = (what: string, min: number, max?: number) =>
  z
    .string()
    .regex(/^\d+$/, `${what} must be a whole number`)
    .transform(Number)
    .refine(
      (n) => n >= min && (max === undefined || n <= max),
      max === undefined ? `${what} must be at least ${min}` : `${what} must be between ${min} and ${max}`,
    );

export const OS1_USER_ATTRIBUTES = [
  "id",
  "name",
  "email",
  "state",
  "uniqueCode",
  "userCode",
  "aaaId",
  "participantType",
  "category",
  "subCategory",
  "templateId",
  "properties",
  "createdAt",
  "updatedAt",
  "createdBy",
  "updatedBy",
] as const;

export const getUserParams = z.object({ userId: z.string().min(1).max(250) });
export const getUserQuery = z.object({ includeProperties: booleanFlag("includeProperties").default(true) });

/** "a, b,,c" → ["a", "b", "c"]. */
const commaSeparated = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

export const listUsersQuery = z
  .object({
    page: positiveInt("page", 1).default(1),
    size: positiveInt("size", 1, 100).default(20),
    select: z
      .string()
      .transform(commaSeparated)
      .superRefine((names, ctx) => {
        const unknown = names.filter((name) => !(OS1_USER_ATTRIBUTES as readonly string[]).includes(name));
        if (unknown.length) ctx.addIssue({ code: "custom", message: `unknown attribute(s) ${unknown.join(", ")}; known: ${OS1_USER_ATTRIBUTES.join(", ")}` });
      })
      .optional(),
    // Folded here, so the query functions get the key they search by; blank means no query.
    query: z
      .string()
      .max(200, "query is at most 200 characters")
      .transform((text) => (text.trim() ? foldText(text.trim()) : undefined))
      .refine((term) => term === undefined || Array.from(term).length >= MIN_QUERY_CHARACTERS, `query must have at least ${MIN_QUERY_CHARACTERS} characters`)
      .optional(),
    sortBy: z.enum(["asc", "desc"], { error: "sortBy must be asc or desc" }).default("desc"),
    sortKey: z.enum(USER_SORT_KEYS, { error: `sortKey must be one of ${USER_SORT_KEYS.join(", ")}` }).default("createdAt"),
    additionalInfo: booleanFlag("additionalInfo").default(false),
  })
  .refine((q) => q.page * q.size <= MAX_LIST_DEPTH, {
    path: ["page"],
    message: `a list goes at most ${MAX_LIST_DEPTH.toLocaleString("en-US")} rows deep (page × size); use query to narrow the list`,
  });

export const MAX_IDS_PER_CONTACT_REQUEST = 10;
const idList = z
  .string()
  .transform(commaSeparated)
  .refine((ids) => ids.length >= 1, "at least one id is required")
  .refine((ids) => ids.length <= MAX_IDS_PER_CONTACT_REQUEST, `at most ${MAX_IDS_PER_CONTACT_REQUEST} ids per request`);

export const contactQuery = z
  .object({ ids: idList.optional(), userId: idList.optional() })
  .refine((q) => q.ids !== undefined || q.userId !== undefined, { message: "ids is required (comma-separated user ids)", path: ["ids"] })
  .transform((q) => ({ ids: [...new Set([...(q.ids ?? []), ...(q.userId ?? [])])] }))
  .refine((q) => q.ids.length <= MAX_IDS_PER_CONTACT_REQUEST, { message: `at most ${MAX_IDS_PER_CONTACT_REQUEST} ids per request`, path: ["ids"] });

export const mobile = z.object({ countryCode: z.string(), number: z.string() }).meta({ id: "Os1Mobile" });

export const os1User = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    email: z.string().optional(),
    state: z.string().optional(),
    uniqueCode: z.string().optional(),
    userCode: z.string().nullable().optional(),
    aaaId: z.string().nullable().optional(),
    participantType: z.string().optional(),
    category: z.string().nullable().optional(),
    subCategory: z.string().nullable().optional(),
    templateId: z.string().nullable().optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
    createdAt: z.number().int().optional(),
    updatedAt: z.number().int().optional(),
    createdBy: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
    updatedBy: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
    additionalInfo: z.object({ active: z.boolean(), deactivatedAt: z.number().int().nullable(), identitiesCount: z.number().int() }).optional(),
  })
  .meta({ id: "Os1User" });

// What the OS1 handlers answer; the dialect wraps it in OS1's envelope {error, data, request}.
export const getUserResponse = os1User;
export const listUsersResponse = z
  .object({
    meta: z.object({ totalElements: z.number().int(), totalPages: z.number().int(), page: z.number().int(), size: z.number().int() }),
    users: z.array(os1User),
  })
  .meta({ id: "Os1UserPage" });
export const userEmailsResponse = z
  .object({ meta: z.object({ totalElements: z.number().int() }), users: z.array(z.object({ userId: z.string(), email: z.string(), uniqueCode: z.string() })) })
  .meta({ id: "Os1UserEmails" });
export const userMobilesResponse = z
  .object({
    meta: z.object({ totalElements: z.number().int() }),
    users: z.array(z.object({ userId: z.string(), primaryMobile: mobile.nullable(), secondaryMobile: mobile.nullable(), uniqueCode: z.string() })),
  })
  .meta({ id: "Os1UserMobiles" });
export const os1Error = z
  .object({ error: z.object({ code: z.string(), description: z.string() }), data: z.null(), request: os1RequestEcho })
  .meta({ id: "Os1Error" });

// ---- Service ---------------------------------------------------------------------------------
export const healthResponse = z
  .object({
    status: z.enum(["ok", "error"]),
    database: z.object({
      status: z.enum(["ok", "error"]),
      dialect: z.enum(["sqlite", "postgres"]).optional(),
      journalMode: z.string().optional(),
      message: z.string().optional(),
    }),
  })
  .meta({ id: "Health" });

export const readyResponse = z
  .object({ status: z.enum(["ok", "error"]), reasons: z.array(z.string()).describe("What keeps this instance from being ready; empty when it is") })
  .meta({ id: "Ready" });
