import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "./password";
import { hashSecret, issueToken, parseToken, secretMatches } from "./tokens";

describe("passwords", () => {
  it("verifies the password it hashed and rejects others", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain("correct horse");
    await expect(verifyPassword("correct horse battery staple", hash)).resolves.toBe(true);
    await expect(verifyPassword("correct horse battery stapler", hash)).resolves.toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("rejects a malformed stored hash instead of throwing", async () => {
    await expect(verifyPassword("x", "plain-text")).resolves.toBe(false);
  });

  it("generates long random passwords", () => {
    const a = generatePassword();
    expect(a).toHaveLength(20);
    expect(a).not.toBe(generatePassword());
  });
});

describe("personal access tokens", () => {
  it("round-trips id and secret, storing only a hash", () => {
    const issued = issueToken();
    const parsed = parseToken(issued.token);
    expect(parsed?.id).toBe(issued.id);
    expect(issued.token).not.toContain(issued.secretHash);
    expect(secretMatches(parsed!.secret, issued.secretHash)).toBe(true);
    const tampered = (parsed!.secret[0] === "A" ? "B" : "A") + parsed!.secret.slice(1);
    expect(secretMatches(tampered, issued.secretHash)).toBe(false);
    expect(hashSecret(parsed!.secret)).toBe(issued.secretHash);
  });

  it.each(["", "rpat_", "Bearer rpat_x", `rpat_${"0".repeat(32)}_short`, `rpat_${"G".repeat(32)}_${"a".repeat(43)}`])("refuses the garbled token %j", (token) =>
    expect(parseToken(token)).toBeNull(),
  );
});
