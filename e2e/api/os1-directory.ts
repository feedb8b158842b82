import { randomUUID } from "node:crypto";
import { prepared } from "@/db/prepared";
import type { User } from "@/db/schema";
import { createTestTenant, e2eDb, type TestTenant, type TestToken } from "../fixtures/db";
import { addDirectoryUser, os1Headers } from "./jitsudo-os1-support";

// A tenant with a known directory for the OS1 specs: five users whose name, email, unique code,
// createdAt and updatedAt each sort in a different order, plus the admin behind the token (six
// users in all). Specs only read it.

export const BASE_MS = 1_700_000_000_000;
export const seconds = (ms: number) => Math.floor(ms / 1000);

export type Os1Directory = {
  tenant: TestTenant;
  admin: TestToken;
  headers: (requestId?: string) => Record<string, string>;
  alice: User;
  bob: User;
  carol: User;
  dave: User;
  erin: User;
  /** The five named users; the sixth user is the token's admin. */
  named: User[];
  total: number;
};

/** Creation and update times, in ms after BASE_MS. */
const times = (created: number, updated: number) => ({ createdAt: BASE_MS + created, updatedAt: BASE_MS + updated });
const mobile = (countryCode: string, number: string) => ({ countryCode, number });

/** Alice's properties, as stored and as OS1 answers them. */
export const ALICE_PROPERTIES = {
  department: "Finance",
  designation: "Analyst",
  teams: ["ledger"],
  workLocations: ["BLR"],
  identification: { idType: "PAN", idNum: "ABCDE1234F" },
};

export async function createOs1Directory(label = "os1"): Promise<Os1Directory> {
  const tenant = await createTestTenant(label);
  const admin = await tenant.addToken();
  const alice = await addDirectoryUser(tenant, {
    name: "Alice Anders",
    email: "Mail.Delta@Example.com",
    uniqueCode: "UC-Q3",
    userCode: "UCODE-A",
    aaaId: "AAA-A",
    category: "staff",
    createdAt: BASE_MS + 3_500,
    updatedAt: BASE_MS + 50_999,
    properties: ALICE_PROPERTIES,
    primaryMobile: { countryCode: "+91", number: "9876543210" },
    secondaryMobile: { countryCode: "+1", number: "5550100" },
  });
  const bob = await addDirectoryUser(tenant, {
    name: "Bob Brown",
    email: "mail.bravo@example.com",
    uniqueCode: "UC-Q1",
    ...times(5_000, 10_000),
    primaryMobile: mobile("+44", "7700900123"),
  });
  const carol = await addDirectoryUser(tenant, {
    name: "Carol Chen",
    email: "mail.echo@example.com",
    uniqueCode: "UC-Q5",
    createdAt: BASE_MS + 1_000,
    updatedAt: BASE_MS + 40_000,
    active: false,
    deactivatedAt: BASE_MS + 6_700,
  });
  const dave = await addDirectoryUser(tenant, { name: "Dave Dunn", email: "mail.alpha@example.com", uniqueCode: "UC-Q4", ...times(4_000, 20_000) });
  const erin = await addDirectoryUser(tenant, { name: "Erin Evans", email: "mail.charlie@example.com", uniqueCode: "ZZ-KEY-Q2", ...times(2_000, 30_000) });
  // Bob has a second identity, so identitiesCount differs between users.
  const now = Date.now();
  await prepared(
    e2eDb(),
    `insert into identities (id, tenant_id, user_id, identity_provider_id, external_id, linked_by, created_at, updated_at)
      values (?, ?, ?, ?, ?, 'manual', ?, ?)`,
  ).run(randomUUID(), tenant.tenantId, bob.id, tenant.providerId, `second-${bob.id}`, now, now);
  return {
    tenant,
    admin,
    headers: (requestId?: string) => os1Headers(admin.token, tenant.tenantId, requestId),
    alice,
    bob,
    carol,
    dave,
    erin,
    named: [alice, bob, carol, dave, erin],
    total: 6,
  };
}

/** Columns of a user row that OS1's user leaves out: Roster's own (tenant, search keys, status); `properties` is shown on request. */
const NOT_IN_OS1_USER = new Set(["tenantId", "emailNormalized", "nameFolded", "uniqueCodeFolded", "active", "deactivatedAt", "deactivatedBy", "properties"]);

/**
 * The OS1 wire form of a user row, as GetUser returns it, told from the row's side (not the
 * serializer's, so that it checks it): every other column as stored, the id as `user:<uuid>`,
 * times in epoch seconds. A column added to users shows up here until it is left out on purpose.
 */
export function os1View(user: User, includeProperties = true) {
  const shown = Object.fromEntries(Object.entries(user).filter(([column]) => !NOT_IN_OS1_USER.has(column)));
  return {
    ...shown,
    id: osId(user),
    ...(includeProperties && { properties: user.properties }),
    createdAt: seconds(user.createdAt),
    updatedAt: seconds(user.updatedAt),
  };
}

export const osId = (user: User) => `user:${user.id}`;
