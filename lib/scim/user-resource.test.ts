import { describe, expect, it } from "vitest";
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from "./attributes";
import { projectResource } from "./projection";
import { ORIGIN, recordOf } from "./test-records";
import { readScimUser } from "./user-input";
import { etagMatches, patchableScimUser, renderScimUser, scimUserJson } from "./user-resource";
import { scimUserSchema } from "./wire";
import type { ScimUserRecord } from "@/db/queries/scim-users";

const body = {
  userName: "Jane.Doe@Example.test",
  externalId: "00u1abcd",
  name: { givenName: "Jane", familyName: "Doe" },
  displayName: "Jane Doe",
  title: "Engineer",
  emails: [
    { value: "jane.doe@example.test", type: "work", primary: true },
    { value: "jane@home.example", type: "home" },
  ],
  phoneNumbers: [{ value: "+91 98765 43210", type: "mobile" }],
  [ENTERPRISE_USER_SCHEMA]: { employeeNumber: "EMP-1", department: "Research", manager: { value: "mgr-1" } },
};
const record = () => recordOf(readScimUser(body));

describe("renderScimUser", () => {
  it("renders the mapping back, with meta and the ETag in meta.version", () => {
    const resource = renderScimUser(record(), ORIGIN);
    expect(resource).toEqual({
      schemas: [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      id: "c5f3afba-cc28-4f56-b922-1e606807bed4",
      externalId: "00u1abcd",
      userName: "Jane.Doe@Example.test",
      name: { givenName: "Jane", familyName: "Doe" },
      displayName: "Jane Doe",
      title: "Engineer",
      active: true,
      emails: [
        { value: "jane.doe@example.test", type: "work", primary: true },
        { value: "jane@home.example", type: "home" },
      ],
      // As the provider wrote it, since it still says the stored number.
      phoneNumbers: [{ value: "+91 98765 43210", type: "mobile", primary: true }],
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: "EMP-1", department: "Research", manager: { value: "mgr-1" } },
      meta: {
        resourceType: "User",
        created: "2024-05-13T04:42:34.000Z",
        lastModified: "2024-05-13T04:42:34.000Z",
        location: `${ORIGIN}/scim/v2/Users/c5f3afba-cc28-4f56-b922-1e606807bed4`,
        version: expect.stringMatching(/^W\/"[\w-]{27}"$/),
      },
    });
    expect(scimUserSchema.parse(resource)).toEqual(resource);
  });

  it("writes a stored mobile that no longer matches what the provider wrote from the columns", () => {
    const changed = record();
    changed.mobiles = [{ kind: "primary", countryCode: "+44", number: "2079460958" }];
    expect(renderScimUser(changed, ORIGIN).phoneNumbers).toEqual([{ value: "+44 2079460958", type: "mobile", primary: true }]);
  });

  it("renders a value written in the stored form as written, whatever its type, and a stored form that is no number as it is", () => {
    const stored = (phoneNumbers: { value: string; type?: string }[], mobiles: ScimUserRecord["mobiles"]) => {
      const changed = record();
      changed.identity.attributes = { ...changed.identity.attributes, phoneNumbers };
      changed.mobiles = mobiles;
      return renderScimUser(changed, ORIGIN).phoneNumbers;
    };
    const uk = { kind: "primary", countryCode: "+44", number: "2079460958" } as const;
    expect(stored([{ value: "+44 2079460958", type: "mobile" }], [uk])).toEqual([{ value: "+44 2079460958", type: "mobile", primary: true }]);
    expect(stored([{ value: "+44 2079460958", type: "work" }], [uk])).toEqual([{ value: "+44 2079460958", type: "work", primary: true }]);
    expect(stored([{ value: "+44 2079460958" }], [uk])).toEqual([{ value: "+44 2079460958", primary: true }]);
    // "+44 020…" says the same number as "+44 20…" (the trunk prefix dropped), so the provider's form stays.
    expect(stored([{ value: "+44 020 7946 0958", type: "mobile" }], [uk])).toEqual([{ value: "+44 020 7946 0958", type: "mobile", primary: true }]);
    const secondary = { kind: "secondary", countryCode: "", number: "ext. 12" } as const;
    expect(
      stored(
        [
          { value: "+44 2079460958", type: "mobile" },
          { value: "ext. 12", type: "mobile" },
        ],
        [uk, secondary],
      ),
    ).toEqual([
      { value: "+44 2079460958", type: "mobile", primary: true },
      { value: "ext. 12", type: "mobile" },
    ]);
  });

  it("leaves out what is absent, and tolerates stored attributes of an unexpected shape", () => {
    const bare = recordOf(readScimUser({ userName: "bare@example.test" }));
    bare.identity.attributes = { name: "not an object", title: 7 };
    const resource = renderScimUser(bare, ORIGIN);
    expect(Object.keys(resource)).toEqual(["schemas", "id", "userName", "displayName", "active", "emails", ENTERPRISE_USER_SCHEMA, "meta"]);
    expect(resource.emails).toEqual([{ value: "bare@example.test", type: "work", primary: true }]);
  });

  it("takes meta.lastModified from the later of the user's change and its identity's", () => {
    const later = record();
    later.identity.updatedAt = later.user.updatedAt + 60_000;
    expect(renderScimUser(later, ORIGIN).meta!.lastModified).toBe("2024-05-13T04:43:34.000Z");
  });
});

describe("scimUserJson", () => {
  it("is JSON.stringify of renderScimUser, character for character", () => {
    const bare = recordOf(readScimUser({ userName: "bare@example.test" }));
    bare.identity.attributes = { name: {}, title: 7, enterprise: { manager: {} } };
    const noDepartment = record();
    noDepartment.user.department = "";
    const withoutNumbers = recordOf(readScimUser({ ...body, phoneNumbers: [], externalId: undefined }));
    for (const each of [record(), bare, noDepartment, withoutNumbers]) {
      expect(scimUserJson(each, ORIGIN)).toBe(JSON.stringify(renderScimUser(each, ORIGIN)));
    }
  });
});

describe("the ETag", () => {
  it("is the same for the same content, however the stored attributes are ordered and whatever meta says", () => {
    const first = record();
    const second = record();
    const reversed = (value: unknown): unknown =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value)
              .map(([key, child]) => [key, reversed(child)])
              .reverse(),
          )
        : Array.isArray(value)
          ? value.map(reversed)
          : value;
    second.identity.attributes = reversed(second.identity.attributes) as Record<string, unknown>;
    expect(JSON.stringify(second.identity.attributes)).not.toBe(JSON.stringify(first.identity.attributes));
    second.user.updatedAt += 1_000;
    second.identity.lastSyncedAt = 0;
    expect(renderScimUser(second, "http://elsewhere").meta!.version).toBe(renderScimUser(first, ORIGIN).meta!.version);
  });

  it("changes with any change anywhere in the resource", () => {
    const original = renderScimUser(record(), ORIGIN).meta!.version;
    const changes: ((r: ReturnType<typeof record>) => void)[] = [
      (r) => (r.user.active = false),
      (r) => (r.user.name = "Jane Q. Doe"),
      (r) => (r.user.email = "other@example.test"),
      (r) => (r.user.uniqueCode = "EMP-2"),
      (r) => (r.user.department = "Ops"),
      (r) => (r.identity.userName = "jane"),
      (r) => (r.identity.externalId = null),
      (r) => (r.identity.attributes = { ...r.identity.attributes, title: "Lead" }),
      (r) => (r.identity.attributes = { ...r.identity.attributes, name: { givenName: "Janet", familyName: "Doe" } }),
      (r) => (r.otherEmails = []),
      (r) => (r.otherEmails = [{ email: "jane@home.example", label: "other" }]),
      (r) => (r.mobiles = []),
    ];
    const versions = changes.map((change) => {
      const changed = record();
      change(changed);
      return renderScimUser(changed, ORIGIN).meta!.version;
    });
    for (const version of versions) expect(version).not.toBe(original);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it("is matched by If-Match / If-None-Match lists, * and weak or strong forms", () => {
    const etag = renderScimUser(record(), ORIGIN).meta!.version!;
    const opaque = etag.slice(2);
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(opaque, etag)).toBe(true);
    expect(etagMatches(`"other", ${etag}`, etag)).toBe(true);
    expect(etagMatches("*", etag)).toBe(true);
    expect(etagMatches('W/"other"', etag)).toBe(false);
    expect(etagMatches(null, etag)).toBe(false);
  });
});

describe("patchableScimUser", () => {
  const patchable = (stored: ScimUserRecord) => patchableScimUser(stored, renderScimUser(stored, ORIGIN));

  it("leaves out the displayName Roster derived, so a PATCH of name parts renames; keeps one the provider gave", () => {
    const derived = recordOf(readScimUser({ ...body, displayName: undefined }));
    expect(renderScimUser(derived, ORIGIN).displayName).toBe("Jane Doe");
    expect(patchable(derived)).not.toHaveProperty("displayName");
    expect(patchable(record()).displayName).toBe("Jane Doe");
  });

  it("keeps a name the user had before the provider linked it, though the provider never sent one", () => {
    const linked = recordOf(readScimUser({ ...body, displayName: undefined, name: undefined }));
    linked.user.name = "Jane Q. Doe";
    expect(patchable(linked).displayName).toBe("Jane Q. Doe");
    const derivedFromUserName = recordOf(readScimUser({ ...body, displayName: undefined, name: undefined }));
    expect(patchable(derivedFromUserName)).not.toHaveProperty("displayName");
  });
});

describe("projectResource", () => {
  const resource = renderScimUser(record(), ORIGIN);
  const project = (attributes: string[], excludedAttributes: string[] = []) => projectResource(resource, { attributes, excludedAttributes });

  it("returns only the attributes asked for, in any case and with URNs, and always id and schemas", () => {
    expect(project(["userName", "NAME.givenName"])).toEqual({
      schemas: resource.schemas,
      id: resource.id,
      userName: resource.userName,
      name: { givenName: "Jane" },
    });
    expect(project(["emails.value", "emails.type"])).toEqual({
      schemas: resource.schemas,
      id: resource.id,
      emails: [
        { value: "jane.doe@example.test", type: "work" },
        { value: "jane@home.example", type: "home" },
      ],
    });
    expect(project([`${ENTERPRISE_USER_SCHEMA}:department`, `${CORE_USER_SCHEMA}:displayName`])).toEqual({
      schemas: resource.schemas,
      id: resource.id,
      displayName: "Jane Doe",
      [ENTERPRISE_USER_SCHEMA]: { department: "Research" },
    });
    expect(project([ENTERPRISE_USER_SCHEMA])[ENTERPRISE_USER_SCHEMA]).toEqual(resource[ENTERPRISE_USER_SCHEMA]);
    expect(project(["meta.version"]).meta).toEqual({ version: resource.meta!.version });
    expect(project(["nosuchthing"])).toEqual({ schemas: resource.schemas, id: resource.id });
  });

  it("leaves out excluded attributes and sub-attributes, but never id", () => {
    const without = project([], ["emails", "name.familyName", "id", `${ENTERPRISE_USER_SCHEMA}:manager`, "phoneNumbers.type"]);
    expect(without).not.toHaveProperty("emails");
    expect(without).toMatchObject({ id: resource.id, name: { givenName: "Jane" }, phoneNumbers: [{ value: "+91 98765 43210", primary: true }] });
    expect(without[ENTERPRISE_USER_SCHEMA]).toEqual({ employeeNumber: "EMP-1", department: "Research" });
    expect(project([], [ENTERPRISE_USER_SCHEMA])).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
    // The original is untouched.
    expect(resource.emails).toHaveLength(2);
  });
});
