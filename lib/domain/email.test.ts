import { describe, expect, it } from "vitest";
import { emailFields, foldText, normalizeEmail } from "./email";

describe("normalizeEmail", () => {
  it("trims and lower-cases ASCII addresses", () => {
    expect(normalizeEmail("  Jane.Doe@Example.TEST ")).toBe("jane.doe@example.test");
  });

  it.each([
    ["the Kelvin sign", "\u212Aate@example.test", "kate@example.test"],
    ["full-width letters", "ＫＡＴＥ@example.test", "kate@example.test"],
    ["a capital sharp s", "STRAẞE@example.test", "strasse@example.test"],
    ["a sharp s", "straße@example.test", "strasse@example.test"],
    ["accented capitals", "ÉMILE.ÇA@example.test", "émile.ça@example.test"],
    ["a decomposed accent", "e\u0301mile@example.test", "émile@example.test"],
  ])("gives %s the key of the address a person reads", (_, typed, key) => {
    expect(normalizeEmail(typed)).toBe(key);
  });

  it("is idempotent for every code point of the BMP and the first astral planes", () => {
    const unstable: string[] = [];
    for (let cp = 0; cp < 0x30000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const once = foldText(String.fromCodePoint(cp));
      if (foldText(once) !== once) unstable.push(cp.toString(16));
    }
    expect(unstable).toEqual([]);
  });

  it("keeps the address as typed beside its key", () => {
    expect(emailFields(" Ann@Example.test ")).toEqual({ email: "Ann@Example.test", emailNormalized: "ann@example.test" });
  });
});
