import { expect, test } from "@playwright/test";
import { createScimSetup, expectScimError, SCIM, scimClient, scimJson, type ListResponse } from "../fixtures/scim";

// RFC 7643 §5–7 and RFC 7644 §4: what a client learns before it provisions. Users with the
// enterprise extension; no Groups, no bulk, no password changes; filter maxResults is the count cap.

type Attribute = {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  caseExact?: boolean;
  mutability: string;
  returned: string;
  uniqueness?: string;
  subAttributes?: Attribute[];
};
type SchemaDocument = { schemas: string[]; id: string; name: string; attributes: Attribute[]; meta?: { resourceType: string; location: string } };
type ResourceType = {
  schemas: string[];
  id: string;
  name: string;
  endpoint: string;
  schema: string;
  schemaExtensions: { schema: string; required: boolean }[];
};

const named = (attributes: Attribute[], name: string) => attributes.find((attribute) => attribute.name === name);

test.describe("SCIM discovery", () => {
  test("ServiceProviderConfig: patch, filter (maxResults 200), sort and etag on; bulk and changePassword off; bearer tokens", async ({ request }) => {
    const scim = scimClient(request, await createScimSetup("discovery-config"));
    const config = await scimJson<Record<string, unknown>>(await scim.get("/scim/v2/ServiceProviderConfig"), 200);
    expect(config.schemas).toEqual([SCIM.serviceProviderConfig]);
    expect(config).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false, maxOperations: expect.any(Number), maxPayloadSize: expect.any(Number) },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
    });
    const schemes = config.authenticationSchemes as { type: string; name: string; description: string }[];
    expect(schemes.length).toBeGreaterThan(0);
    expect(schemes).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "oauthbearertoken", name: expect.any(String), description: expect.any(String) })]),
    );
  });

  test("ResourceTypes lists User alone, with the enterprise extension; Group is not a resource type", async ({ request }) => {
    const scim = scimClient(request, await createScimSetup("discovery-types"));
    const list = await scimJson<Required<ListResponse<ResourceType>>>(await scim.get("/scim/v2/ResourceTypes"), 200);
    expect(list.schemas).toEqual([SCIM.listResponse]);
    expect(list.totalResults).toBe(1);
    expect(list.Resources).toHaveLength(1);
    const [user] = list.Resources;
    expect(user).toMatchObject({
      schemas: [SCIM.resourceType],
      id: "User",
      name: "User",
      endpoint: "/Users",
      schema: SCIM.user,
      schemaExtensions: [{ schema: SCIM.enterprise, required: false }],
    });

    expect(await scimJson(await scim.get("/scim/v2/ResourceTypes/User"), 200)).toEqual(user);
    await expectScimError(await scim.get("/scim/v2/ResourceTypes/Group"), 404);
  });

  test("Schemas: the core User and the enterprise extension, each attribute described as RFC 7643 §7 says; no Group", async ({ request }) => {
    const scim = scimClient(request, await createScimSetup("discovery-schemas"));
    const list = await scimJson<Required<ListResponse<SchemaDocument>>>(await scim.get("/scim/v2/Schemas"), 200);
    expect(list.schemas).toEqual([SCIM.listResponse]);
    expect(list.Resources.map((schema) => schema.id).sort()).toEqual([SCIM.user, SCIM.enterprise].sort());
    expect(list.totalResults).toBe(2);

    const core = list.Resources.find((schema) => schema.id === SCIM.user)!;
    expect(core.schemas).toEqual([SCIM.schema]);
    expect(core.name).toBe("User");
    const attributes = core.attributes;
    for (const name of [
      "userName",
      "name",
      "displayName",
      "nickName",
      "title",
      "userType",
      "preferredLanguage",
      "locale",
      "timezone",
      "active",
      "emails",
      "phoneNumbers",
      "externalId",
    ]) {
      expect(named(attributes, name), name).toBeDefined();
    }
    expect(named(attributes, "userName")).toMatchObject({
      type: "string",
      multiValued: false,
      required: true,
      caseExact: false,
      uniqueness: "server",
      mutability: "readWrite",
    });
    expect(named(attributes, "active")).toMatchObject({ type: "boolean", multiValued: false });
    expect(named(attributes, "emails")).toMatchObject({ type: "complex", multiValued: true });
    expect(named(attributes, "emails")!.subAttributes!.map((attribute) => attribute.name)).toEqual(expect.arrayContaining(["value", "type", "primary"]));
    expect(named(attributes, "name")!.subAttributes!.map((attribute) => attribute.name)).toEqual(
      expect.arrayContaining(["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"]),
    );
    expect(named(attributes, "externalId")).toMatchObject({ type: "string", caseExact: true });
    expect(named(attributes, "password")?.returned ?? "never").toBe("never");
    expect(named(attributes, "groups")).toBeUndefined();
    for (const attribute of attributes) {
      expect(["readOnly", "readWrite", "immutable", "writeOnly"], attribute.name).toContain(attribute.mutability);
      expect(["always", "never", "default", "request"], attribute.name).toContain(attribute.returned);
    }

    const enterprise = list.Resources.find((schema) => schema.id === SCIM.enterprise)!;
    for (const name of ["employeeNumber", "costCenter", "organization", "division", "department", "manager"]) {
      expect(named(enterprise.attributes, name), name).toBeDefined();
    }
    expect(named(enterprise.attributes, "manager")).toMatchObject({ type: "complex", multiValued: false });
    expect(named(enterprise.attributes, "manager")!.subAttributes!.map((attribute) => attribute.name)).toEqual(
      expect.arrayContaining(["value", "displayName"]),
    );

    expect(await scimJson(await scim.get(`/scim/v2/Schemas/${SCIM.user}`), 200)).toEqual(core);
    expect(await scimJson(await scim.get(`/scim/v2/Schemas/${SCIM.enterprise}`), 200)).toEqual(enterprise);
    await expectScimError(await scim.get("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group"), 404);
  });
});
