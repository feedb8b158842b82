import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { newRecoveryCodes, hashRecoveryCode, RECOVERY_CODE_COUNT } from "./recovery-codes";
import { secondFactorStep } from "./requirement";
import { newTotpSecret, totpUri, verifyTotp } from "./totp";

const secret = newTotpSecret();
const app = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
const T = Date.UTC(2026, 0, 1, 12, 0, 15); // 15 s into a step
const step = Math.floor(T / 30_000);
const codeAt = (ms: number) => app.generate({ timestamp: ms });

describe("verifyTotp (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step)", () => {
  it("accepts the current code and those of the step before and after, returning the step used", () => {
    expect(verifyTotp(secret, codeAt(T), null, T)).toEqual({ ok: true, step });
    expect(verifyTotp(secret, codeAt(T - 30_000), null, T)).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, codeAt(T + 30_000), null, T)).toEqual({ ok: true, step: step + 1 });
  });

  it("refuses codes two steps away, other secrets' codes, and anything but six digits", () => {
    expect(verifyTotp(secret, codeAt(T - 60_000), null, T)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyTotp(secret, codeAt(T + 60_000), null, T)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyTotp(newTotpSecret(), codeAt(T), null, T).ok).toBe(false);
    for (const typed of ["", "12345", "1234567", "12a456", "123 45"]) expect(verifyTotp(secret, typed, null, T)).toEqual({ ok: false, reason: "invalid" });
  });

  it("takes a code typed with spaces", () => {
    const code = codeAt(T);
    expect(verifyTotp(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, null, T).ok).toBe(true);
  });

  it("refuses a replay: the step last accepted, and any step before it, within the window", () => {
    expect(verifyTotp(secret, codeAt(T), step, T)).toEqual({ ok: false, reason: "replayed" });
    expect(verifyTotp(secret, codeAt(T - 30_000), step, T)).toEqual({ ok: false, reason: "replayed" });
    expect(verifyTotp(secret, codeAt(T + 30_000), step, T)).toEqual({ ok: true, step: step + 1 });
    // The same code 20 s later (next step): still the step already used.
    expect(verifyTotp(secret, codeAt(T), step, T + 20_000)).toEqual({ ok: false, reason: "replayed" });
  });

  it("writes the otpauth URI apps scan, with issuer and account", () => {
    const uri = totpUri(secret, { issuer: "Roster (Acme)", email: "admin@acme.example" });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Roster%20\(Acme\):admin%40acme\.example\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain("algorithm=SHA1&digits=6&period=30");
  });
});

describe("recovery codes", () => {
  it("makes ten distinct codes, stored as hashes that ignore case, spaces and dashes", () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(hashes).toEqual(codes.map(hashRecoveryCode));
    expect(hashRecoveryCode(codes[0]!.toUpperCase().replace("-", " "))).toBe(hashes[0]);
    expect(hashes[0]).not.toContain(codes[0]!.replace("-", ""));
  });
});

describe("secondFactorStep", () => {
  it("asks for a factor whenever one is enrolled, for enrolment under the policy, and for nothing otherwise", () => {
    expect(secondFactorStep({ tenantRequiresMfa: true, factorCount: 0 })).toBe("enrol");
    expect(secondFactorStep({ tenantRequiresMfa: true, factorCount: 2 })).toBe("challenge");
    expect(secondFactorStep({ tenantRequiresMfa: false, factorCount: 1 })).toBe("challenge");
    expect(secondFactorStep({ tenantRequiresMfa: false, factorCount: 0 })).toBe("none");
  });
});
