import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { prepared } from "@/db/prepared";
import { createAdmin } from "@/db/queries/admins";
import { normalizeEmail } from "@/lib/domain/email";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { twoProcessDatabases } from "@/test/two-processes";
import { hashPassword, NO_PASSWORD_HASH } from "./password";
import { signIn, type SignInResult } from "./session";
import { addressKey } from "@/lib/client-address";
import { createSignInThrottle, SIGN_IN_LIMITS } from "./sign-in-throttle";
import { adminUserFields } from "@/lib/domain/user-fields";

const db = createTestDb();
// Two handles on another database stand for two server processes sharing it.
const [first, second] = twoProcessDatabases("sign_in_throttle");
const PASSWORD = "the right password";
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(PASSWORD);
});
afterEach(() => vi.useRealTimers());

/** An admin of a new tenant, named so that the audit log can be checked for the name. */
async function makeAdmin(database: Db = db) {
  const tenant = await makeTenant(database);
  const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
  const { admin, user } = await createAdmin(database, { tenantId: tenant.id, ...adminUserFields(email), role: "admin", passwordHash });
  return { email, adminId: admin.id, tenantId: tenant.id, name: user.name };
}

/** A fresh throttle per test, so that no test sees another's counters (the table is shared). */
function attempts(database: Db = db, overrides: Parameters<typeof createSignInThrottle>[1] = {}) {
  const throttle = createSignInThrottle(database, {
    address: { ...SIGN_IN_LIMITS.address, keyPrefix: randomUUID() },
    emailAndAddress: { ...SIGN_IN_LIMITS.emailAndAddress, keyPrefix: randomUUID() },
    ...overrides,
  });
  return (email: string, password: string, clientAddress: string) => signIn(database, { email, password, clientAddress }, { throttle });
}

const outcome = (result: SignInResult) => (result.ok ? "ok" : result.reason === "invalid" ? result.reason : `${result.reason} ${result.retryAfterSeconds}`);

async function sequence(attempt: ReturnType<typeof attempts>, count: number, email: string, password: string, clientAddress: string) {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) outcomes.push(outcome(await attempt(email, password, clientAddress)));
  return outcomes;
}

type SignInEvent = { tenantId: string; actorType: string; actorId: string; actorName: string; outcome: string; details: Record<string, unknown> };

async function signInEvents(adminId: string): Promise<SignInEvent[]> {
  const rows = await prepared<Omit<SignInEvent, "details"> & { details: string }>(
    db,
    `select tenant_id as "tenantId", actor_type as "actorType", actor_id as "actorId", actor_name as "actorName", outcome, details
     from audit_events where action = 'session.sign_in' and target_id = ? order by created_at`,
  ).all(adminId);
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}

const countAuditEvents = async () => (await prepared<{ n: number }>(db, `select count(*) as n from audit_events`).get())!.n;

describe("sign-in throttle", () => {
  it("refuses an email from one address after five failures, before hashing, even with the right password", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    expect(await sequence(attempt, 5, admin.email, "wrong", "203.0.113.1")).toEqual(Array(5).fill("invalid"));
    expect(outcome(await attempt(admin.email, PASSWORD, "203.0.113.1"))).toBe("throttled 900");
  });

  it("does not lock the admin out: the same account signs in at once from another address", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    await sequence(attempt, 40, admin.email, "wrong", "203.0.113.2");
    expect(outcome(await attempt(admin.email, PASSWORD, "198.51.100.2"))).toBe("ok");
  });

  it("answers an unknown email exactly as it answers an admin's", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    const known = await sequence(attempt, 8, admin.email, "wrong", "203.0.113.3");
    const unknown = await sequence(attempt, 8, `nobody-${randomUUID()}@example.test`, "wrong", "203.0.113.4");
    expect(unknown).toEqual(known);
    expect(known).toEqual([...Array(5).fill("invalid"), ...Array(3).fill("throttled 900")]);
  });

  it("starts the count again after a successful sign-in", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    await sequence(attempt, 4, admin.email, "wrong", "203.0.113.5");
    expect(outcome(await attempt(admin.email, PASSWORD, "203.0.113.5"))).toBe("ok");
    expect(await sequence(attempt, 5, admin.email, "wrong", "203.0.113.5")).toEqual(Array(5).fill("invalid"));
    expect(outcome(await attempt(admin.email, "wrong", "203.0.113.5"))).toBe("throttled 900");
  });

  it("keys the email as normalizeEmail does, so case and width do not buy more guesses", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    const variants = [admin.email, admin.email.toUpperCase(), ` ${admin.email} `, admin.email.replace("a", "ａ"), admin.email.toUpperCase()];
    for (const variant of variants) expect(normalizeEmail(variant)).toBe(normalizeEmail(admin.email));
    for (const variant of variants) expect(outcome(await attempt(variant, "wrong", "203.0.113.6"))).toBe("invalid");
    expect(outcome(await attempt(admin.email, "wrong", "203.0.113.6"))).toBe("throttled 900");
  });

  it("refuses an address that fails too often across many emails, for every email, and only that address", async () => {
    const admin = await makeAdmin();
    const attempt = attempts(db, { address: { keyPrefix: randomUUID(), points: 3, duration: 900, blockDuration: 600 } });
    for (let i = 0; i < 3; i++) expect(outcome(await attempt(`spray-${i}@example.test`, "wrong", "203.0.113.7"))).toBe("invalid");
    expect(outcome(await attempt("spray-3@example.test", "wrong", "203.0.113.7"))).toBe("throttled 600");
    expect(outcome(await attempt(admin.email, PASSWORD, "203.0.113.7"))).toBe("throttled 600");
    expect(outcome(await attempt(admin.email, PASSWORD, "203.0.113.8"))).toBe("ok");
  });

  it("does not count successful sign-ins against the address", async () => {
    const admin = await makeAdmin();
    const attempt = attempts(db, { address: { keyPrefix: randomUUID(), points: 2, duration: 900, blockDuration: 900 } });
    for (let i = 0; i < 4; i++) expect(outcome(await attempt(admin.email, PASSWORD, "203.0.113.9"))).toBe("ok");
  });

  it("lets one address have only two attempts in progress at once; the rest are refused before hashing", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(`burst-${i}@example.test`, "wrong", "203.0.113.13")));
    expect(burst.map(outcome).sort()).toEqual([...Array(8).fill("busy 1"), ...Array(2).fill("invalid")]);
    // Another address is not held up, and the first address may go on once its attempts are over.
    const [elsewhere, again] = await Promise.all([attempt(admin.email, PASSWORD, "203.0.113.14"), attempt(admin.email, PASSWORD, "203.0.113.13")]);
    expect([outcome(elsewhere), outcome(again)]).toEqual(["ok", "ok"]);
  });

  it("lets no more than five of a burst of concurrent guesses on one email reach the password check", async () => {
    const admin = await makeAdmin();
    const attempt = attempts(db, { inFlight: { ...SIGN_IN_LIMITS.inFlight, points: 100 } });
    const results = await Promise.all(Array.from({ length: 20 }, () => attempt(admin.email, "wrong", "203.0.113.10")));
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o === "invalid")).toHaveLength(5);
    expect(outcomes.filter((o) => o === "throttled 900")).toHaveLength(15);
  });

  it("lets the pair try again once the 15-minute block is over", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    vi.useFakeTimers({ toFake: ["Date"] });
    await sequence(attempt, 6, admin.email, "wrong", "203.0.113.11");
    vi.setSystemTime(Date.now() + 14 * 60_000);
    expect(outcome(await attempt(admin.email, PASSWORD, "203.0.113.11"))).toBe("throttled 60");
    vi.setSystemTime(Date.now() + 60_001);
    expect(outcome(await attempt(admin.email, PASSWORD, "203.0.113.11"))).toBe("ok");
  });

  it("shares its counters with every process on the database (the rate_limits table)", async () => {
    const admin = await makeAdmin(first);
    const [one, other] = [createSignInThrottle(first), createSignInThrottle(second)];
    for (let i = 0; i < 5; i++) {
      const database = i % 2 === 0 ? first : second;
      expect(
        outcome(await signIn(database, { email: admin.email, password: "wrong", clientAddress: "203.0.113.12" }, { throttle: i % 2 === 0 ? one : other })),
      ).toBe("invalid");
    }
    expect(outcome(await signIn(second, { email: admin.email, password: PASSWORD, clientAddress: "203.0.113.12" }, { throttle: other }))).toBe("throttled 900");
    const keys = await prepared<{ key: string }>(first, `select key from rate_limits`).all();
    expect(keys.map((row) => row.key)).toContain(`sign_in_email_address:203.0.113.12 ${normalizeEmail(admin.email)}`);
  });
});

describe("passwords and single sign-on", () => {
  it("answers the right password of a tenant that switched passwords off like a wrong one, audited as password_disabled", async () => {
    const admin = await makeAdmin();
    await prepared(
      db,
      "insert into sso_configs (tenant_id, issuer, client_id, client_secret, role_claim, role_map, passwords_allowed, first_sign_in_at, created_at, updated_at) values (?, 'https://idp.example', 'c', 's', 'groups', '{}', false, 1, 1, 1)",
    ).run(admin.tenantId);
    expect(outcome(await attempts()(admin.email, PASSWORD, "203.0.113.30"))).toBe("invalid");
    const events = await signInEvents(admin.adminId);
    expect(events.map((e) => e.details)).toEqual([{ method: "password", clientAddress: "203.0.113.30", reason: "password_disabled" }]);
    await prepared(db, "update sso_configs set passwords_allowed = true where tenant_id = ?").run(admin.tenantId);
    expect(outcome(await attempts()(admin.email, PASSWORD, "203.0.113.30"))).toBe("ok");
  });

  it("never signs in an admin made by SSO with a password, whatever is typed", async () => {
    const tenant = await makeTenant(db);
    const email = `sso-${randomUUID().slice(0, 8)}@example.test`;
    await createAdmin(db, { tenantId: tenant.id, ...adminUserFields(email), role: "admin", passwordHash: NO_PASSWORD_HASH });
    for (const password of [NO_PASSWORD_HASH, "not the password", ""]) expect(outcome(await attempts()(email, password, "203.0.113.31"))).toBe("invalid");
  });
});

describe("sign-in audit", () => {
  it("names the admin on failed sign-ins and records a throttle block once, not per refused request", async () => {
    const admin = await makeAdmin();
    const attempt = attempts();
    await sequence(attempt, 12, admin.email, "wrong", "203.0.113.20");
    const events = await signInEvents(admin.adminId);
    expect(events.map((e) => e.outcome)).toEqual([...Array(5).fill("failed"), "throttled"]);
    for (const event of events) expect(event).toMatchObject({ tenantId: admin.tenantId, actorType: "admin", actorId: admin.adminId, actorName: admin.name });
    expect(events[0]?.details).toEqual({ method: "password", clientAddress: "203.0.113.20" });
    expect(events[5]?.details).toEqual({ method: "password", clientAddress: "203.0.113.20", limit: "emailAndAddress", retryAfterSeconds: 900 });
  });

  it("records a successful sign-in with the admin's name", async () => {
    const admin = await makeAdmin();
    expect(outcome(await attempts()(admin.email, PASSWORD, "203.0.113.21"))).toBe("ok");
    expect(await signInEvents(admin.adminId)).toMatchObject([
      { outcome: "success", actorName: admin.name, details: { clientAddress: "203.0.113.21", method: "password" } },
    ]);
  });

  it("writes nothing to any tenant's log for unknown emails", async () => {
    const attempt = attempts();
    const before = await countAuditEvents();
    await sequence(attempt, 8, `nobody-${randomUUID()}@example.test`, "wrong", "203.0.113.22");
    expect(await countAuditEvents()).toBe(before);
  });
});

describe("addressKey", () => {
  it("keys an IPv6 client by its /64 and an IPv4 client by its address", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("192.0.2.1")).toBe("192.0.2.1");
    expect(addressKey("unknown")).toBe("unknown");
  });
});
