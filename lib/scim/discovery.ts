import {
  COMMON_ATTRIBUTES,
  CORE_USER_ATTRIBUTES,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  type ScimAttribute,
} from "./attributes";
import { MAX_COUNT } from "./list-params";
import { LIST_RESPONSE_SCHEMA, SCIM_BASE_PATH, USERS_PATH, type ScimDocumentList } from "./wire";

// What a client learns before it provisions (RFC 7643 §5–7, RFC 7644 §4): Users with the
// enterprise extension, and nothing else — no Groups, no bulk, no password changes.

export const SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
export const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
export const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

type Document = { schemas: string[] } & Record<string, unknown>;

/** RFC 7643 §7's attribute definition: the table's entry without what only Roster needs. */
function describe(attribute: ScimAttribute): Record<string, unknown> {
  const definition = Object.fromEntries(Object.entries(attribute).filter(([key]) => key !== "field" && key !== "subAttributes"));
  return { ...definition, ...(attribute.subAttributes && { subAttributes: attribute.subAttributes.map(describe) }) };
}

export function serviceProviderConfig(origin: string): Document {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Provisioning token",
        description: "A provisioning token of one of the tenant's SCIM identity providers, made in Roster's console: Authorization: Bearer rscim_…",
        specUri: "https://www.rfc-editor.org/info/rfc6750",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${origin}${SCIM_BASE_PATH}/ServiceProviderConfig` },
  };
}

/** The one resource type: Groups are not offered, so there is no Group type and no /Groups endpoint. */
export function userResourceType(origin: string): Document {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: "User",
    name: "User",
    endpoint: USERS_PATH.slice(SCIM_BASE_PATH.length),
    description: "A person in Roster's directory, linked to this identity provider. Roster offers no Group resource type.",
    schema: CORE_USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    meta: { resourceType: "ResourceType", location: `${origin}${SCIM_BASE_PATH}/ResourceTypes/User` },
  };
}

const SCHEMAS = [
  {
    id: CORE_USER_SCHEMA,
    name: "User",
    description: "User account",
    // id and externalId are common attributes (RFC 7643 §3.1); described here so a client sees how they compare.
    attributes: [...COMMON_ATTRIBUTES.filter((attribute) => attribute.name !== "meta"), ...CORE_USER_ATTRIBUTES],
  },
  { id: ENTERPRISE_USER_SCHEMA, name: "EnterpriseUser", description: "Enterprise User", attributes: ENTERPRISE_USER_ATTRIBUTES },
];

export function schemaDocuments(origin: string): Document[] {
  return SCHEMAS.map((schema) => ({
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(describe),
    meta: { resourceType: "Schema", location: `${origin}${SCIM_BASE_PATH}/Schemas/${schema.id}` },
  }));
}

/** The schema with this URN (any case), or undefined. */
export function schemaDocument(origin: string, id: string): Document | undefined {
  return schemaDocuments(origin).find((schema) => (schema.id as string).toLowerCase() === id.toLowerCase());
}

/** Discovery lists are whole: no paging (RFC 7644 §4). */
export function documentList(resources: Document[]): ScimDocumentList {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}
