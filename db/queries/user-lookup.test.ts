import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant, makeUser } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import { normalizeEmail } from "@/lib/domain/email";
import { prepared } from "../prepared";
import type { Tenant, User } from "../schema";
import { findUserIdsByEmails, findUsersByEmails, lookupSql } from "./user-lookup";

describe("user lookup by email key", () => {
  const db = createTestDb();
  let tenant: Tenant;
  let active: User;
  let inactive: User;
  let elsewhere: User;

  beforeAll(async () => {
    tenant = await makeTenant(db);
    const other = await makeTenant(db);
    active = await makeUser(db, tenant.id, { email: "Ada.Active@Lookup.Test" });
    inactive = await makeUser(db, tenant.id, { email: "ian.inactive@lookup.test", active: false });
    elsewhere = await makeUser(db, other.id, { email: "eve.elsewhere@lookup.test" });
  });

  it("finds the tenant's users by key, and nobody else's", async () => {
    const keys = [active.email, inactive.email, elsewhere.email, "nobody@lookup.test", active.email].map(normalizeEmail);
    const ids = await findUserIdsByEmails(db, tenant.id, keys);
    expect(Object.fromEntries(ids)).toEqual({ "ada.active@lookup.test": active.id, "ian.inactive@lookup.test": inactive.id });
    const withStatus = await findUsersByEmails(db, tenant.id, keys);
    // On SQLite also where each is stored, its rowid (the order a leaver job takes its rows in).
    const stored = async (user: User) =>
      TEST_DIALECT === "sqlite" ? { storageOrder: (await prepared<{ n: number }>(db, "select rowid as n from users where id = ?").get(user.id))!.n } : {};
    expect(Object.fromEntries(withStatus)).toStrictEqual({
      "ada.active@lookup.test": { id: active.id, active: true, ...(await stored(active)) },
      "ian.inactive@lookup.test": { id: inactive.id, active: false, ...(await stored(inactive)) },
    });
  });

  it("looks up more keys than one statement takes, chunk by chunk", async () => {
    const unknown = Array.from({ length: 1_500 }, (_, i) => normalizeEmail(`nobody.${i}@lookup.test`));
    const keys = [...unknown.slice(0, 1_200), normalizeEmail(inactive.email), ...unknown.slice(1_200), normalizeEmail(active.email)];
    const ids = await findUserIdsByEmails(db, tenant.id, keys);
    expect(Object.fromEntries(ids)).toEqual({ "ada.active@lookup.test": active.id, "ian.inactive@lookup.test": inactive.id });
  });

  it.runIf(TEST_DIALECT === "sqlite")("answers the address → id lookup from an index alone (SQLite), one key or several", () => {
    const planOf = (size: number, columns: "ids" | "withStatus" = "ids") =>
      sqlitePlan(db, { sql: lookupSql("sqlite", columns, size), args: [tenant.id, ...Array.from({ length: size }, (_, i) => `k${i}`)] });
    const covering = "SEARCH users USING COVERING INDEX users_tenant_email_id_idx (tenant_id=? AND email_normalized=?)";
    // One key: left to choose, the planner took the unique index and read the user's row for its id.
    expect(planOf(1)).toBe(covering);
    expect(planOf(4)).toBe(covering);
    // The leaver file's lookup also reads the active flag, from the table.
    expect(planOf(4, "withStatus")).toMatch(/^SEARCH users USING INDEX users_tenant_email_\w+ \(tenant_id=\? AND email_normalized=\?\)$/);
  });

  it.runIf(TEST_DIALECT === "postgres")("reads the address → id lookup off the email key's indexes (PostgreSQL)", async () => {
    const lines = await postgresPlan(db, { sql: lookupSql("postgres", "ids", 4), args: [tenant.id, "a", "b", "c", "d"] }, { indexesOnly: true });
    expect(lines.join(" | ")).toMatch(/users_tenant_email_(id_idx|unique)/);
  });
});
