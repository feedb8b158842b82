import { z } from "zod";
import { ADMIN_ROLES } from "@/db/constants";
import { MAX_SEED_USERS } from "@/db/seed";
import { SCOPES, isScope } from "@/lib/auth/scopes";
import { isTimeZone } from "@/lib/scheduled/effective-at";
import { DEFAULT_SCIM_PROVIDER_NAME, PROVIDER_NAME_MAX, PROVISIONING_TOKEN_NAME_MAX } from "@/lib/contracts/provisioning";

/** Thrown for anything the operator typed wrong; printed as one line, exit code 2. */
export class UsageError extends Error {}

const DURATION_UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 } as const;

/** "30d" → milliseconds; units m, h, d, w, y. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([mhdwy])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) throw new UsageError(`--expires-in must look like 30d, 12h or 1y (got "${text}")`);
  return Number(match[1]) * DURATION_UNITS[match[2] as keyof typeof DURATION_UNITS];
}

const wholeNumber = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${flag} must be between ${min} and ${max.toLocaleString("en-US")}`);

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuid = (flag: string) => z.string(required(flag)).regex(UUID_PATTERN, `${flag} must be a UUID`);
const required = (flag: string) => ({ error: (issue: { input: unknown }) => (issue.input === undefined ? `${flag} is required` : `${flag} is invalid`) });

export const seedArgs = z.object({
  users: wholeNumber("--users", 0, MAX_SEED_USERS).default(2_000),
  seed: wholeNumber("--seed", 0, 2 ** 31 - 1).default(1),
  tenant: z.string(required("--tenant")).trim().min(1, "--tenant must not be empty").max(100, "--tenant is at most 100 characters").default("Acme"),
});

export const adminCreateArgs = z.object({
  tenant: uuid("--tenant"),
  email: z.email({ error: "--email must be an email address" }).max(200, "--email is at most 200 characters"),
  role: z.enum(ADMIN_ROLES, { error: `--role must be one of ${ADMIN_ROLES.join(", ")}` }),
  password: z.string().min(12, "--password must be at least 12 characters").max(200).optional(),
});

export const tokenCreateArgs = z.object({
  tenant: uuid("--tenant"),
  admin: z.email({ error: "--admin must be the admin's email address" }),
  scopes: z
    .string(required("--scopes"))
    .transform((text) => [
      ...new Set(
        text
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ])
    .superRefine((scopes, ctx) => {
      if (scopes.length === 0) ctx.addIssue({ code: "custom", message: "--scopes must name at least one scope" });
      const unknown = scopes.filter((s) => !isScope(s));
      if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `unknown scope(s) ${unknown.join(", ")}; known: ${SCOPES.join(", ")}` });
    }),
  name: z.string().trim().min(1, "--name must not be empty").max(100, "--name is at most 100 characters").default("CLI token"),
  "expires-in": z.string().optional(),
});

export const tokenRevokeArgs = z.object({
  id: z.string({ error: "token revoke needs the token id: npm run roster -- token revoke ID" }).regex(UUID_PATTERN, "token id must be a UUID"),
});

export const scimTokenCreateArgs = z.object({
  tenant: uuid("--tenant"),
  provider: z
    .string()
    .trim()
    .min(1, "--provider must not be empty")
    .max(PROVIDER_NAME_MAX, `--provider is at most ${PROVIDER_NAME_MAX} characters`)
    .default(DEFAULT_SCIM_PROVIDER_NAME),
  name: z
    .string()
    .trim()
    .min(1, "--name must not be empty")
    .max(PROVISIONING_TOKEN_NAME_MAX, `--name is at most ${PROVISIONING_TOKEN_NAME_MAX} characters`)
    .default("CLI token"),
});

export const tenantSetArgs = z
  .object({
    tenant: uuid("--tenant"),
    "require-mfa": z
      .string()
      .refine((value) => value === "true" || value === "false", "--require-mfa must be true or false")
      .transform((value) => value === "true")
      .optional(),
    // A whole number of rows (at least 1), or "off" (docs/decisions/0025).
    "approval-threshold": z
      .string()
      .refine(
        (value) => value === "off" || (/^\d{1,7}$/.test(value) && Number(value) >= 1),
        "--approval-threshold must be a whole number of at least 1, or off",
      )
      .transform((value) => (value === "off" ? null : Number(value)))
      .optional(),
    "time-zone": z
      .string()
      .refine(isTimeZone, { error: (issue) => `--time-zone ${String(issue.input)} is not an IANA time zone (e.g. Europe/Berlin)` })
      .optional(),
  })
  .refine(
    (args) => args["require-mfa"] !== undefined || args["approval-threshold"] !== undefined || args["time-zone"] !== undefined,
    "give --require-mfa, --approval-threshold or --time-zone (one or more)",
  );

export const scimTokenListArgs = z.object({ tenant: uuid("--tenant") });

export const scimTokenRevokeArgs = z.object({ tenant: uuid("--tenant"), id: uuid("--id") });

/** Parses with a schema, turning the first problem into a one-line UsageError. */
export function parseArgsWith<T extends z.ZodType>(schema: T, values: unknown): z.infer<T> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const flag = issue?.path[0] !== undefined ? `--${String(issue.path[0])}` : "";
  const message = issue?.message ?? "invalid arguments";
  throw new UsageError(message.startsWith("--") || message.startsWith("token") || !flag ? message : `${flag}: ${message}`);
}
