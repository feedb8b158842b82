import { describe, expect, it } from "vitest";
import { KEY_RULE_VERSION, emailFields, foldText, normalizeEmail } from "./email";

describe("normalizeEmail", () => {
  it("trims and lower-cases ASCII addresses", () => {
    expect(normalizeEmail("  Jane.Doe@Example.TEST ")).toBe("jane.doe@example.test");
  });

  const RULE_2_KEYS = [
    ["the Kelvin sign", "\u212Aate@example.test", "kate@example.test"],
    ["full-width letters", "ＫＡＴＥ@example.test", "kate@example.test"],
    ["a capital sharp s", "STRAẞE@example.test", "strasse@example.test"],
    ["a sharp s", "straße@example.test", "strasse@example.test"],
    ["accented capitals", "ÉMILE.ÇA@example.test", "émile.ça@example.test"],
    ["a decomposed accent", "e\u0301mile@example.test", "émile@example.test"],
  ] as const;

  it.each(RULE_2_KEYS)("gives %s the key of the address a person reads", (_, typed, key) => {
    expect(normalizeEmail(typed)).toBe(key);
  });

  // Stored keys are re-keyed only when the rule's version (or the engine's Unicode) changes: a rule
  // that gives other keys than these must come with a new version.
  it("gives these keys under rule version 2 only", () => {
    expect({ version: KEY_RULE_VERSION, keys: RULE_2_KEYS.map(([, typed]) => normalizeEmail(typed)) }).toEqual({
      version: 2,
      keys: RULE_2_KEYS.map(([, , key]) => key),
    });
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
