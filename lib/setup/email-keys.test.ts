import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prepared } from "@/db/prepared";
import { createUser } from "@/db/queries/users";
import type { Db } from "@/db/client";
import type { EmailKey, Tenant } from "@/db/schema";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { readMaintenanceMark } from "@/db/queries/maintenance-marks";
import { migrateEmailKeys } from "./email-keys";
import { keyRule } from "./key-rule";
import { newUserFields } from "@/lib/domain/user-fields";

// Keys as the first round wrote them: trimmed and lower-cased.
const oldKey = (email: string) => email.trim().toLowerCase() as EmailKey;

function withOldKeys(db: Db) {
  return {
    addUser: (tenantId: string, email: string) => createUser(db, { tenantId, ...newUserFields({ email, name: email }), emailNormalized: oldKey(email) }),
    keyOf: async (id: string) => (await prepared<{ key: string }>(db, "select email_normalized as key from users where id = ?").get(id))!.key,
  };
}

describe("migrateEmailKeys", () => {
  const db = createTestDb();
  const { addUser, keyOf } = withOldKeys(db);
  let tenant: Tenant;
  let other: Tenant;
  beforeAll(async () => {
    tenant = await makeTenant(db);
    other = await makeTenant(db);
  });
  // The keys below are written as the first round did, in a database no step has marked yet.
  beforeEach(async () => {
    await prepared(db, "delete from maintenance_marks").run();
  });

  it("re-keys non-ASCII addresses, leaves ASCII keys alone, and reports a clash naming both users", async () => {
    const fullWidth = await addUser(tenant.id, "ＫＡＴＥ@Example.test");
    const kelvin = await addUser(tenant.id, "\u212Aim@example.test");
    const ascii = await addUser(tenant.id, "Bob@Example.test");
    await prepared(db, "update users set email_normalized = 'odd but ascii' where id = ?").run(ascii.id);
    const strasse = await addUser(tenant.id, "strasse@example.test");
    const strasseAgain = await addUser(tenant.id, "Straße@example.test");
    const elsewhere = await addUser(other.id, "Straße@example.test");
    const withOther = await addUser(tenant.id, "pat@example.test");
    const otherAddressId = randomUUID();
    const otherAddress = "ＰＡＴ.Home@example.test";
    await prepared(
      db,
      "insert into user_emails (id, tenant_id, user_id, email, email_normalized, label, created_at, updated_at) values (?, ?, ?, ?, ?, 'personal', 1, 1)",
    ).run(otherAddressId, tenant.id, withOther.id, otherAddress, oldKey(otherAddress));

    const lines: string[] = [];
    const result = await migrateEmailKeys(db, (line) => lines.push(line));

    expect(await keyOf(fullWidth.id)).toBe("kate@example.test");
    expect(await keyOf(kelvin.id)).toBe("kim@example.test"); // toLowerCase() already folded the Kelvin sign: nothing to write
    expect(await keyOf(ascii.id)).toBe("odd but ascii");
    expect(await keyOf(elsewhere.id)).toBe("strasse@example.test");
    expect(await keyOf(strasseAgain.id)).toBe("straße@example.test");
    expect((await prepared<{ key: string }>(db, "select email_normalized as key from user_emails where id = ?").get(otherAddressId))?.key).toBe(
      "pat.home@example.test",
    );
    expect(result).toEqual({
      rekeyed: 3,
      conflicts: [{ table: "users", rowId: strasseAgain.id, userId: strasseAgain.id, otherUserId: strasse.id }],
      skipped: false,
    });
    expect(lines.filter((line) => line.includes(strasseAgain.id))).toEqual([expect.stringContaining(strasse.id)]);

    // Again: nothing left to write; the clash is reported again until someone resolves it.
    const again: string[] = [];
    expect(await migrateEmailKeys(db, (line) => again.push(line))).toMatchObject({
      rekeyed: 0,
      conflicts: [{ userId: strasseAgain.id, otherUserId: strasse.id }],
      skipped: false,
    });
    expect(again).toHaveLength(1);
    expect(await readMaintenanceMark(db, "email-keys")).toBeNull();
  });

  it("leaves an address alone whose new key another user's address already has", async () => {
    const t = await makeTenant(db);
    const first = await addUser(t.id, "ÉLODIE@example.test");
    // The same address with a decomposed accent: a different old key, the first one's new (and old) key.
    const second = await addUser(t.id, "E\u0301lodie@example.test");
    const result = await migrateEmailKeys(db, () => {});
    expect(await keyOf(first.id)).toBe("élodie@example.test");
    expect(await keyOf(second.id)).toBe(oldKey("E\u0301lodie@example.test"));
    expect(result.conflicts).toContainEqual({ table: "users", rowId: second.id, userId: second.id, otherUserId: first.id });
  });
});

describe("migrateEmailKeys on a database whose keys are all the rule's", () => {
  const db = createTestDb();
  const { addUser, keyOf } = withOldKeys(db);

  it("marks it and reads no address again until the rule or the engine's Unicode changes", async () => {
    // A new database has no keys of another rule: its set-up marked it.
    expect(await readMaintenanceMark(db, "email-keys")).toBe(keyRule());
    // As a database an older Roster wrote: keys by the first round's rule, and no mark.
    await prepared(db, "delete from maintenance_marks").run();
    const tenant = await makeTenant(db);
    const first = await addUser(tenant.id, "ＡＮＡ@example.test");
    expect(await migrateEmailKeys(db, () => {})).toEqual({ rekeyed: 1, conflicts: [], skipped: false });
    expect(await keyOf(first.id)).toBe("ana@example.test");
    expect(await readMaintenanceMark(db, "email-keys")).toBe(keyRule());

    // A key no writer of this rule makes: left alone while the mark says every key is the rule's.
    const second = await addUser(tenant.id, "ＢＥＮ@example.test");
    expect(await migrateEmailKeys(db, () => {})).toEqual({ rekeyed: 0, conflicts: [], skipped: true });
    expect(await keyOf(second.id)).toBe(oldKey("ＢＥＮ@example.test"));

    const upgraded = keyRule("99.0");
    expect(upgraded).not.toBe(keyRule());
    expect(await migrateEmailKeys(db, () => {}, upgraded)).toEqual({ rekeyed: 1, conflicts: [], skipped: false });
    expect(await keyOf(second.id)).toBe("ben@example.test");
    expect(await readMaintenanceMark(db, "email-keys")).toBe(upgraded);
  });
});
