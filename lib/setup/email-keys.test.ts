import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createUser } from "@/db/queries/users";
import { userEmails, users, type EmailKey } from "@/db/schema";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { migrateEmailKeys } from "./email-keys";
import { newUserFields } from "@/lib/domain/user-fields";

// Keys as the first round wrote them: trimmed and lower-cased.
const oldKey = (email: string) => email.trim().toLowerCase() as EmailKey;

describe("migrateEmailKeys", () => {
  const db = createTestDb();
  const tenant = makeTenant(db);
  const other = makeTenant(db);
  const addUser = (tenantId: string, email: string) => createUser(db, { tenantId, ...newUserFields({ email, name: email }), emailNormalized: oldKey(email) });
  const keyOf = (id: string) => db.select({ key: users.emailNormalized }).from(users).where(eq(users.id, id)).get()!.key;

  it("re-keys non-ASCII addresses, leaves ASCII keys alone, and reports a clash naming both users", () => {
    const fullWidth = addUser(tenant.id, "ＫＡＴＥ@Example.test");
    const kelvin = addUser(tenant.id, "\u212Aim@example.test");
    const ascii = addUser(tenant.id, "Bob@Example.test");
    db.update(users).set({ emailNormalized: "odd but ascii" }).where(eq(users.id, ascii.id)).run();
    const strasse = addUser(tenant.id, "strasse@example.test");
    const strasseAgain = addUser(tenant.id, "Straße@example.test");
    const elsewhere = addUser(other.id, "Straße@example.test");
    const withOther = addUser(tenant.id, "pat@example.test");
    const otherAddress = {
      id: randomUUID(),
      tenantId: tenant.id,
      userId: withOther.id,
      email: "ＰＡＴ.Home@example.test",
      label: "personal",
      createdAt: 1,
      updatedAt: 1,
    };
    db.insert(userEmails)
      .values({ ...otherAddress, emailNormalized: oldKey(otherAddress.email) })
      .run();

    const lines: string[] = [];
    const result = migrateEmailKeys(db, (line) => lines.push(line));

    expect(keyOf(fullWidth.id)).toBe("kate@example.test");
    expect(keyOf(kelvin.id)).toBe("kim@example.test"); // toLowerCase() already folded the Kelvin sign: nothing to write
    expect(keyOf(ascii.id)).toBe("odd but ascii");
    expect(keyOf(elsewhere.id)).toBe("strasse@example.test");
    expect(keyOf(strasseAgain.id)).toBe("straße@example.test");
    expect(db.select().from(userEmails).where(eq(userEmails.id, otherAddress.id)).get()?.emailNormalized).toBe("pat.home@example.test");
    expect(result).toEqual({ rekeyed: 3, conflicts: [{ table: "users", rowId: strasseAgain.id, userId: strasseAgain.id, otherUserId: strasse.id }] });
    expect(lines.filter((line) => line.includes(strasseAgain.id))).toEqual([expect.stringContaining(strasse.id)]);

    // Again: nothing left to write; the clash is reported again until someone resolves it.
    const again: string[] = [];
    expect(migrateEmailKeys(db, (line) => again.push(line))).toMatchObject({ rekeyed: 0, conflicts: [{ userId: strasseAgain.id, otherUserId: strasse.id }] });
    expect(again).toHaveLength(1);
  });

  it("leaves an address alone whose new key another user's address already has", () => {
    const t = makeTenant(db);
    const first = addUser(t.id, "ÉLODIE@example.test");
    // The same address with a decomposed accent: a different old key, the first one's new (and old) key.
    const second = addUser(t.id, "E\u0301lodie@example.test");
    const result = migrateEmailKeys(db, () => {});
    expect(keyOf(first.id)).toBe("élodie@example.test");
    expect(keyOf(second.id)).toBe(oldKey("E\u0301lodie@example.test"));
    expect(result.conflicts).toContainEqual({ table: "users", rowId: second.id, userId: second.id, otherUserId: first.id });
  });
});
