import { beforeAll, describe, expect, it } from "vitest";
import { searchKeys } from "@/lib/domain/email";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeUser } from "@/test/factories";
import { scimProvider } from "@/test/scim-users";
import { postgresPlan, sqlitePlan } from "@/test/search";
import { prepared } from "../prepared";
import { seedTenant } from "../seed";
import { pageRecords, type IdentityPage } from "./scim-user-records";
import { listScimUsers, scimListStatements, type ScimCondition, type ScimScope } from "./scim-users";

// The lookups identity providers make on every sync (userName, externalId, an address; eq, or sw for
// a prefix) read their indexes on a provider with thousands of users, never walk them all.

const recordsStatement = (dialect: "sqlite" | "postgres", page: IdentityPage) => ({ sql: pageRecords(dialect, page), args: page.args });

type Sample = { userName: string; externalId: string; email: string; other: string; label: string };

describe("listScimUsers' lookups", () => {
  const db = createTestDb();
  const scope = {} as ScimScope;
  const sample = {} as Sample;

  beforeAll(async () => {
    // The demo seed links a quarter of its users to its SCIM provider; keyed as SCIM writes key them.
    // The sample is an active user: the last lookup asks for `active eq true`.
    const { tenantId } = await seedTenant(db, { tenantName: "Scim plans", users: 8_000, seed: 11, keys: searchKeys });
    const provider = (await prepared<{ id: string; name: string }>(db, "select id, name from identity_providers where tenant_id = ? and type = 'scim'").get(
      tenantId,
    ))!;
    await prepared(db, "update identities set username_key = lower(external_username) where identity_provider_id = ?").run(provider.id);
    Object.assign(scope, { tenantId, providerId: provider.id, providerName: provider.name });
    const row = await prepared<Sample>(
      db,
      `select i.username_key as "userName", i.external_id as "externalId", u.email_normalized as email, e.email_normalized as other, e.label
       from identities i join users u on u.id = i.user_id join user_emails e on e.user_id = u.id where i.identity_provider_id = ? and u.active = true order by i.id limit 1`,
    ).get(provider.id);
    Object.assign(sample, row);
  }, 120_000);

  const lookups = (): [string, ScimCondition, RegExp[]][] => [
    ["userName eq", { op: "eq", field: "userName", value: sample.userName }, [/identities_provider_username_(unique|cover_idx)/]],
    ["userName sw", { op: "sw", field: "userName", value: sample.userName.slice(0, -1) }, [/identities_provider_username_(unique|cover_idx)/]],
    ["externalId eq", { op: "eq", field: "externalId", value: sample.externalId }, [/identities_provider_external/]],
    ["externalId sw", { op: "sw", field: "externalId", value: sample.externalId.slice(0, -1) }, [/identities_provider_external/]],
    ["email eq", { op: "eq", field: "email", value: sample.email }, [/users_tenant_email/, /user_emails_tenant_email/]],
    ["email sw", { op: "sw", field: "email", value: sample.email.slice(0, 5) }, [/users_tenant_email/, /user_emails_tenant_email/]],
    [
      "emails[type eq …].value eq",
      { op: "eq", field: "email", value: sample.other, emailType: sample.label.toLowerCase() },
      [/users_tenant_email/, /user_emails_tenant_email/],
    ],
    ["emails[primary eq false].value sw", { op: "sw", field: "email", value: sample.other.slice(0, 5), emailPrimary: false }, [/user_emails_tenant_email/]],
    [
      "email eq and active eq",
      {
        op: "and",
        conditions: [
          { op: "eq", field: "active", value: true },
          { op: "eq", field: "email", value: sample.email },
        ],
      },
      [/users_tenant_email/],
    ],
  ];

  it("finds what it looks up", async () => {
    for (const [name, filter] of lookups()) {
      const { total, records } = await listScimUsers(db, scope, { filter, offset: 0, limit: 200 });
      expect(total, name).toBeGreaterThan(0);
      expect(total, name).toBeLessThan(1_000);
      expect(records, name).toHaveLength(total);
    }
  });

  it.runIf(TEST_DIALECT === "sqlite")("on SQLite, with and without statistics", async () => {
    for (const analyzed of [false, true]) {
      if (analyzed) await db.exec("analyze");
      for (const [name, filter, indexes] of lookups()) {
        for (const sortBy of [undefined, "userName"] as const) {
          // With a sortBy, or a condition the index does not decide, the candidates are counted first (up to a bound): by the index too.
          const { count, page, candidates } = scimListStatements("sqlite", scope, { filter, sortBy, offset: 0, limit: 100 }, 50_000);
          expect(candidates !== undefined, name).toBe(sortBy !== undefined || name === "email eq and active eq");
          const records = recordsStatement("sqlite", page);
          // The page's records: the page first (a hundred rows), then each one's user, addresses and mobiles by key.
          const recordsPlan = sqlitePlan(db, records);
          expect(recordsPlan, name).toMatch(/SCAN page \| SEARCH u USING INDEX sqlite_autoindex_users_1 \(id=\?\)/);
          expect(recordsPlan, name).toMatch(/SEARCH user_emails USING INDEX user_emails_user_idx \(user_id=\?\)/);
          expect(recordsPlan, name).toMatch(/SEARCH user_mobiles USING INDEX sqlite_autoindex_user_mobiles_1 \(user_id=\?\)/);
          for (const statement of [count, page, records, ...(candidates ? [candidates] : [])]) {
            const plan = sqlitePlan(db, statement);
            expect(plan, name).not.toMatch(/\bSCAN (i|u|p|e|pi)\b/);
            // Nor a walk through the provider's identities, testing each.
            expect(plan, name).not.toMatch(/SEARCH i USING INDEX \w+ \(identity_provider_id=\?\)/);
            for (const index of indexes) expect(plan, name).toMatch(index);
          }
          // A userName prefix is a range of the key's index: the covering one, or (SQLite's choice for
          // some random samples' statistics, seen once in CI-like runs) the unique one. Paged in index order.
          if (name === "userName sw") {
            expect(sqlitePlan(db, count), name).toMatch(
              /^SEARCH i USING (COVERING INDEX identities_provider_username_cover_idx \(identity_provider_id=\? AND tenant_id=\?|INDEX identities_provider_username_unique \(identity_provider_id=\?) AND username_key>\? AND username_key<\?\)/,
            );
          }
          if (name.startsWith("userName")) expect(sqlitePlan(db, page), name).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        }
      }
    }
  });

  it("reads an unfiltered list's total from the provider's row, and a deep page's keys from their index", async () => {
    if (db.dialect === "postgres") await db.exec("vacuum analyze");
    const { count, keyedPage } = scimListStatements(db.dialect, scope, { offset: 1_500, limit: 100 });
    const plan = async (statement: { sql: string; args: unknown[] }) =>
      db.dialect === "sqlite" ? sqlitePlan(db, statement) : (await postgresPlan(db, statement)).join(" | ");
    // One row of a small table: SQLite by its key; PostgreSQL as its statistics say (a scan of a few rows is as good).
    if (db.dialect === "sqlite") expect(await plan(count)).toMatch(/^SEARCH identity_providers USING INDEX \S+ \(id=\?\)$/);
    const pagePlan = await plan(keyedPage!);
    if (db.dialect === "sqlite") {
      expect(pagePlan).toMatch(
        /SEARCH identities USING COVERING INDEX identities_provider_username_cover_idx \(identity_provider_id=\? AND tenant_id=\?( AND username_key>\?)?\)/,
      );
      expect(pagePlan).toMatch(/SEARCH i USING INDEX identities_provider_username_(unique|cover_idx) \(identity_provider_id=\? AND username_key=\?\)/);
    } else {
      // The keys from the covering index, then each identity by its key (a key compared outside the
      // index's collation made PostgreSQL scan every identity of the provider).
      const lines = await postgresPlan(db, keyedPage!);
      expect(lines).toContain("Index Only Scan identities_provider_username_cover_idx");
      expect(lines.filter((line) => /^Index (Only )?Scan identities_provider_username_(unique|cover_idx)$/.test(line)).length).toBe(2);
    }
    // The seed's SCIM identities were keyed above: the kept counts say so, and the list takes the keyed page.
    const kept = await prepared<{ attached: number; keyed: number }>(
      db,
      "select attached_identities as attached, keyed_identities as keyed from identity_providers where id = ?",
    ).get(scope.providerId);
    expect(kept!.keyed).toBe(kept!.attached);
    const { total, records } = await listScimUsers(db, scope, { offset: 1_500, limit: 100 });
    expect(records).toHaveLength(100);
    expect(total).toBe(kept!.attached);
    expect(total).toBeGreaterThan(1_600);
  });

  it.runIf(TEST_DIALECT === "postgres")("on PostgreSQL, with the statistics autovacuum keeps", async () => {
    // Autovacuum keeps the visibility map as well as the statistics: without it an index-only scan
    // is priced as reading the table too, and the plan depended on whether autovacuum had come by.
    await db.exec("vacuum analyze");
    for (const [name, filter, indexes] of lookups()) {
      for (const sortBy of [undefined, "userName"] as const) {
        const { count, page, candidates } = scimListStatements("postgres", scope, { filter, sortBy, offset: 0, limit: 100 }, 50_000);
        expect(candidates !== undefined, name).toBe(sortBy !== undefined || name === "email eq and active eq");
        const records = recordsStatement("postgres", page);
        expect(await postgresPlan(db, records), name).toEqual(
          expect.arrayContaining(["Index Scan users_pkey", "Index Scan user_emails_user_idx", expect.stringMatching(/^Index Scan user_mobiles_/)]),
        );
        for (const statement of [count, page, records, ...(candidates ? [candidates] : [])]) {
          const plan = (await postgresPlan(db, statement)).join(" | ");
          expect(plan, name).not.toMatch(/Seq Scan/);
          for (const index of indexes) expect(plan, name).toMatch(index);
        }
        if (name === "userName sw") expect((await postgresPlan(db, count)).join(" | "), name).toMatch(/Index Only Scan identities_provider_username_cover_idx/);
        // A page of a userName prefix in the key's order: read from its index in that order and
        // stopped at the page's end, never every match sorted first (a prefix may match thousands).
        if (name.startsWith("userName")) expect((await postgresPlan(db, page)).join(" | "), name).not.toMatch(/Sort/);
      }
    }
  });
});

// A provider's first sync imports its users in bulk, long before autovacuum analyses the table again.
describe.runIf(TEST_DIALECT === "postgres")("a deep page of a provider bulk-imported since the last analyze", () => {
  const db = createTestDb();
  const earlier = scimProvider(db, "Earlier");
  const scope = scimProvider(db, "Bulk");
  const importIdentities = async (provider: ScimScope, userId: string, count: number) =>
    prepared(
      db,
      `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, external_username, linked_by, username_key, created_at, updated_at)
       select ? || '-' || i, ?, ?, ?, 'bulk-' || i, 'bulk-' || i, 'scim', 'bulk-' || i, 0, 0 from generate_series(1, ?::integer) as i`,
    ).run(provider.providerId, provider.tenantId, userId, provider.providerId, count);

  it("reads the page's keys once, then each identity by its key", async () => {
    // Analysed when another provider had all the identities there were.
    await importIdentities(earlier, (await makeUser(db, earlier.tenantId)).id, 1_000);
    await db.exec("analyze");
    await importIdentities(scope, (await makeUser(db, scope.tenantId)).id, 20_000);
    const { keyedPage } = scimListStatements(db.dialect, scope, { offset: 19_990, limit: 5 });
    // The statistics say the provider has no identities: as an IN, the keys' LIMIT ... OFFSET was the
    // inner side of a semi join, run again for every one of the 20,000 identities.
    const plan = await postgresPlan(db, keyedPage!);
    expect(plan.slice(0, 3)).toEqual(["Nested Loop", "Limit", "Index Only Scan identities_provider_username_cover_idx"]);
    expect(plan.slice(3)).toEqual(["Limit", expect.stringMatching(/^Index Scan identities_provider_username_(unique|cover_idx)$/)]);
    const { total, records } = await listScimUsers(db, scope, { offset: 19_990, limit: 5 });
    expect(total).toBe(20_000);
    const inCodePointOrder = Array.from({ length: 20_000 }, (_, i) => `bulk-${i + 1}`).sort();
    expect(records.map((record) => record.identity.userName)).toEqual(inCodePointOrder.slice(19_990, 19_995));
  });
});
