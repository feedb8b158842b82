import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { formatRoleMap, issuerProblem, parseDomains, parseRoleMap, ssoErrorMessage, ssoSettingsRequest } from "./sso";

describe("issuerProblem", () => {
  it("accepts https issuers, and http only on this machine", () => {
    for (const ok of [
      "https://acme.okta.com/oauth2/default",
      "https://login.microsoftonline.com/tid/v2.0",
      "http://127.0.0.1:8080",
      "http://localhost:9000/realms/r",
    ])
      expect(issuerProblem(ok), ok).toBeNull();
  });

  it("refuses http elsewhere, other schemes, credentials, queries and fragments", () => {
    for (const bad of [
      "http://idp.example",
      "http://10.0.0.1",
      "ftp://idp.example",
      "https://u:p@idp.example",
      "https://idp.example/?x=1",
      "https://idp.example/#f",
      "idp.example",
    ])
      expect(issuerProblem(bad), bad).not.toBeNull();
  });
});

describe("parseDomains", () => {
  it("lower-cases, drops a leading @ and duplicates, splitting on commas and spaces", () => {
    expect(parseDomains("A.example, @b.example\nb.example")).toEqual({ ok: true, domains: ["a.example", "b.example"] });
    expect(parseDomains("")).toEqual({ ok: true, domains: [] });
  });

  it("refuses what is not a domain", () => {
    for (const bad of ["localhost", "a_b.example", "-a.example", "a..example", "http://a.example"]) expect(parseDomains(bad).ok, bad).toBe(false);
  });
});

describe("parseRoleMap", () => {
  it("reads value=role pairs separated by commas or lines, splitting at the last = (values may contain =)", () => {
    // A comma always separates entries, so a DN-like value (cn=ops,dc=x) cannot be mapped whole: it is refused, not misread.
    expect(parseRoleMap("roster-admins=admin,\n cn=ops,dc=x=helpdesk")).toMatchObject({ ok: false, problem: expect.stringContaining('unknown role "ops"') });
    expect(parseRoleMap("roster-admins=admin\na=b=auditor")).toEqual({ ok: true, roleMap: { "roster-admins": "admin", "a=b": "auditor" } });
  });

  it("names the entry at fault: no role, an unknown role, a value mapped twice", () => {
    expect(parseRoleMap("roster-admins")).toMatchObject({ ok: false, problem: expect.stringContaining("must look like group=role") });
    expect(parseRoleMap("x=owner")).toMatchObject({ ok: false, problem: expect.stringContaining('unknown role "owner"') });
    expect(parseRoleMap("x=admin,x=auditor")).toMatchObject({ ok: false, problem: '"x" is mapped twice' });
  });

  it("round-trips through formatRoleMap", () => {
    const parsed = parseRoleMap("a=admin,b=helpdesk");
    expect(parsed.ok && parseRoleMap(formatRoleMap(parsed.roleMap))).toEqual(parsed);
  });
});

describe("ssoSettingsRequest", () => {
  it("trims the issuer's trailing slash and reports each field's problem", () => {
    const ok = z.safeParse(ssoSettingsRequest, { issuer: "https://idp.example/", clientId: "c", domains: ["a.example"], roleMap: {}, passwordsAllowed: true });
    expect(ok.success && ok.data).toMatchObject({ issuer: "https://idp.example", roleClaim: "groups" });
    const bad = z.safeParse(ssoSettingsRequest, {
      issuer: "http://idp.example",
      clientId: "",
      domains: ["nope"],
      roleMap: { a: "root" },
      passwordsAllowed: true,
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["issuer", "clientId", "domains", "roleMap.a"]));
  });
});

describe("ssoErrorMessage", () => {
  it("answers a fixed text for known codes only, never what a link carries", () => {
    expect(ssoErrorMessage("expired")).toMatch(/took too long/);
    expect(ssoErrorMessage("<script>")).toBeNull();
    expect(ssoErrorMessage("toString")).toBeNull();
  });
});
