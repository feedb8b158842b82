import { z } from "zod";
import { SCIM_ERROR_SCHEMA } from "@/lib/api/dialects/scim";
import { ENTERPRISE_USER_SCHEMA, fieldsOf, NAME_PARTS, STORED_TEXTS } from "./attributes";

// The shapes /scim/v2 answers with, for the handlers' types and the OpenAPI document
// (lib/api/openapi registers the ones with an id). Most attributes are optional: `attributes=` and
// `excludedAttributes=` may leave anything out but `id` and `schemas`.

/** Where SCIM lives: every /scim/v2 path and `meta.location` start here. */
export const SCIM_BASE_PATH = "/scim/v2";
export const USERS_PATH = `${SCIM_BASE_PATH}/Users`;

export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const SEARCH_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const text = z.string().optional();
const multiValue = z.object({ value: text, type: text, primary: z.boolean().optional() });

export const scimUserSchema = z
  .object({
    schemas: z.array(z.string()),
    id: z.string(),
    externalId: text,
    userName: text,
    name: z.object(fieldsOf(NAME_PARTS, () => text)).optional(),
    displayName: text,
    ...fieldsOf(STORED_TEXTS, () => text),
    active: z.boolean().optional(),
    emails: z.array(multiValue).optional(),
    phoneNumbers: z.array(multiValue).optional(),
    [ENTERPRISE_USER_SCHEMA]: z
      .object({
        employeeNumber: text,
        costCenter: text,
        organization: text,
        division: text,
        department: text,
        manager: z.object({ value: text, displayName: text, $ref: text }).optional(),
      })
      .optional(),
    meta: z.object({ resourceType: z.literal("User").optional(), created: text, lastModified: text, location: text, version: text }).optional(),
  })
  .meta({ id: "ScimUser" });

export type ScimUserResource = z.output<typeof scimUserSchema>;

export const scimUserListSchema = z
  .object({
    schemas: z.array(z.literal(LIST_RESPONSE_SCHEMA)),
    totalResults: z.number().int(),
    startIndex: z.number().int(),
    itemsPerPage: z.number().int(),
    Resources: z.array(scimUserSchema).optional(),
  })
  .meta({ id: "ScimUserList" });

export type ScimUserList = z.output<typeof scimUserListSchema>;

export const scimErrorSchema = z
  .object({
    schemas: z.array(z.literal(SCIM_ERROR_SCHEMA)),
    status: z.string().meta({ description: "The HTTP status, as a string." }),
    scimType: z
      .string()
      .optional()
      .meta({ description: "RFC 7644 §3.12: invalidFilter, invalidValue, invalidSyntax, invalidPath, noTarget, mutability, uniqueness, …" }),
    detail: z.string(),
  })
  .meta({ id: "ScimError" });

/** Discovery documents (RFC 7643 §5–7) and their lists: described loosely, their content is the RFC's. */
export const scimDocumentSchema = z.looseObject({ schemas: z.array(z.string()) });
export const scimDocumentListSchema = z.object({
  schemas: z.array(z.literal(LIST_RESPONSE_SCHEMA)),
  totalResults: z.number().int(),
  startIndex: z.number().int(),
  itemsPerPage: z.number().int(),
  Resources: z.array(scimDocumentSchema),
});

export type ScimDocumentList = z.output<typeof scimDocumentListSchema>;

/** Request bodies are read by lib/scim (user-input.ts, patch.ts, list-params.ts) so that every problem gets its scimType. */
export const scimBodySchema = z.record(z.string(), z.unknown());
