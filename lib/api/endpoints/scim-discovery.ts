import { z } from "zod";
import { documentList, schemaDocument, schemaDocuments, serviceProviderConfig, userResourceType } from "@/lib/scim/discovery";
import { SCIM_BASE_PATH, scimDocumentListSchema, scimDocumentSchema } from "@/lib/scim/wire";
import { SCIM_ENDPOINT } from "../dialects/scim";
import { defineEndpoint } from "../endpoint";
import { ApiError } from "../errors";

// SCIM discovery (RFC 7644 §4): what the service provider supports, its resource types and schemas.

const common = { ...SCIM_ENDPOINT, method: "GET" } as const;

// GET /scim/v2/ServiceProviderConfig — what is supported: patch, filter, sort, ETags; not bulk or passwords
export const scimServiceProviderConfig = defineEndpoint({
  ...common,
  operationId: "scimGetServiceProviderConfig",
  path: `${SCIM_BASE_PATH}/ServiceProviderConfig`,
  response: { status: 200, description: "The ServiceProviderConfig (RFC 7643 §5)", schema: scimDocumentSchema },
  docs: {
    summary: "Service provider configuration",
    description: "Patch, filter (at most 200 results a page), sort and ETags are supported; bulk, password changes and Groups are not.",
  },
  handler: ({ request }) => ({ data: serviceProviderConfig(request.url.origin) }),
});

// GET /scim/v2/ResourceTypes — User, the only resource type
export const scimResourceTypes = defineEndpoint({
  ...common,
  operationId: "scimListResourceTypes",
  path: `${SCIM_BASE_PATH}/ResourceTypes`,
  response: { status: 200, description: "A ListResponse of the resource types (RFC 7643 §6)", schema: scimDocumentListSchema },
  docs: { summary: "Resource types", description: "User, with the enterprise extension; Roster offers no Group resource type." },
  handler: ({ request }) => ({ data: documentList([userResourceType(request.url.origin)]) }),
});

// GET /scim/v2/ResourceTypes/{name} — one resource type
export const scimResourceType = defineEndpoint({
  ...common,
  operationId: "scimGetResourceType",
  path: `${SCIM_BASE_PATH}/ResourceTypes/{name}`,
  params: z.object({ name: z.string() }),
  response: { status: 200, description: "The resource type", schema: scimDocumentSchema },
  errors: [404],
  docs: { summary: "A resource type", description: "User is the only one.", parameters: { name: { description: "The resource type's id.", example: "User" } } },
  handler: ({ params, request }) => {
    const type = userResourceType(request.url.origin);
    if (params.name !== type.id) throw new ApiError("not_found", `No resource type ${params.name}; Roster offers User only`);
    return { data: type };
  },
});

// GET /scim/v2/Schemas — the core User schema and the enterprise extension
export const scimSchemas = defineEndpoint({
  ...common,
  operationId: "scimListSchemas",
  path: `${SCIM_BASE_PATH}/Schemas`,
  response: { status: 200, description: "A ListResponse of the schemas (RFC 7643 §7)", schema: scimDocumentListSchema },
  docs: { summary: "Schemas", description: "The attributes Roster keeps of a User and of the enterprise extension, with how each compares and may change." },
  handler: ({ request }) => ({ data: documentList(schemaDocuments(request.url.origin)) }),
});

// GET /scim/v2/Schemas/{id} — one schema by its URN
export const scimSchema = defineEndpoint({
  ...common,
  operationId: "scimGetSchema",
  path: `${SCIM_BASE_PATH}/Schemas/{id}`,
  params: z.object({ id: z.string() }),
  response: { status: 200, description: "The schema", schema: scimDocumentSchema },
  errors: [404],
  docs: {
    summary: "A schema",
    description: "The core User schema or the enterprise extension, by URN.",
    parameters: { id: { description: "The schema's URN.", example: "urn:ietf:params:scim:schemas:core:2.0:User" } },
  },
  handler: ({ params, request }) => {
    const schema = schemaDocument(request.url.origin, params.id);
    if (!schema) throw new ApiError("not_found", `No schema ${params.id}; Roster has the core User schema and the enterprise extension`);
    return { data: schema };
  },
});

export const SCIM_DISCOVERY_ENDPOINTS = [scimServiceProviderConfig, scimResourceTypes, scimResourceType, scimSchemas, scimSchema];
