import { randomUUID } from "node:crypto";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import { createAdmin } from "@/db/queries/admins";
import { addFactor } from "@/db/queries/mfa-factors";
import { adminUserFields } from "@/lib/domain/user-fields";
import { createTestDb } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { signIn } from "../session";
import { createSignInThrottle, SIGN_IN_LIMITS } from "../sign-in-throttle";
import { hashPassword } from "../password";
import { confirmPasskeyRegistration, relyingPartyOf, signInWithPasskey, startPasskeyRegistration, startPasskeyAssertion } from "./passkeys";
import { readPendingSignIn } from "./pending-sign-in";
import { createSecondFactorThrottle, SECOND_FACTOR_LIMIT } from "./second-factor-throttle";

// What can be checked without an authenticator (the browser spec e2e/console/mfa.spec.ts signs in with
// Chromium's virtual one): the relying party, single-use challenges, and forged answers refused.
const db = createTestDb();
const rp = relyingPartyOf(new URL("http://localhost:3411/api/console/mfa/passkey-registration"));

async function makeAdmin() {
  const tenant = await makeTenant(db, undefined, { requireMfa: true });
  const email = `admin-${randomUUID().slice(0, 8)}@example.test`;
  const { admin, user } = await createAdmin(db, { tenantId: tenant.id, ...adminUserFields(email), role: "admin", passwordHash: await hashPassword("pw") });
  return { email, tenantId: tenant.id, adminId: admin.id, actor: { type: "admin" as const, id: admin.id, name: user.name } };
}

const forgedRegistration = {
  id: "AAAA",
  rawId: "AAAA",
  type: "public-key",
  response: { clientDataJSON: "e30", attestationObject: "oA" },
  clientExtensionResults: {},
};

describe("passkeys", () => {
  it("names the request's host as relying party, and takes each registration challenge once", async () => {
    expect(rp).toEqual({ rpID: "localhost", origin: "http://localhost:3411" });
    const admin = await makeAdmin();
    const options = await startPasskeyRegistration(db, admin, rp);
    expect(options.rp.id).toBe("localhost");
    expect(options.user.name).toBe(admin.email);
    const input = { response: forgedRegistration as unknown as RegistrationResponseJSON, label: "Forged" };
    expect(await confirmPasskeyRegistration(db, admin, input, rp, admin.actor)).toEqual({ ok: false, reason: "invalid" });
    expect(await confirmPasskeyRegistration(db, admin, input, rp, admin.actor)).toEqual({ ok: false, reason: "no_ceremony" });
  });

  it("offers only the account's own passkeys and refuses a forged assertion, counting it", async () => {
    const admin = await makeAdmin();
    const other = await makeAdmin();
    const key = (credentialId: string, owner: typeof admin) =>
      addFactor(
        db,
        { tenantId: owner.tenantId, adminId: owner.adminId, kind: "passkey", label: "Key", credentialId, publicKey: "pQ", signCount: 0 },
        owner.actor,
        null,
      );
    await key("mine-1", admin);
    await key("theirs-1", other);
    const throttle = createSignInThrottle(db, {
      address: { ...SIGN_IN_LIMITS.address, keyPrefix: randomUUID() },
      emailAndAddress: { ...SIGN_IN_LIMITS.emailAndAddress, keyPrefix: randomUUID() },
    });
    const started = await signIn(db, { email: admin.email, password: "pw", clientAddress: "203.0.113.60" }, { throttle });
    if (!started.ok || !("secondFactor" in started)) throw new Error("expected a second-factor step");
    expect(started.secondFactor.methods).toEqual(["passkey", "recovery_code"]);
    const pending = (await readPendingSignIn(db, started.secondFactor.cookieValue))!;

    const options = await startPasskeyAssertion(db, pending, rp);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual(["mine-1"]);
    const forged = {
      id: "mine-1",
      rawId: "mine-1",
      type: "public-key",
      response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" },
      clientExtensionResults: {},
    };
    const ctx = {
      origin: { clientAddress: "203.0.113.60", userAgent: null },
      rp,
      throttle: createSecondFactorThrottle(db, { ...SECOND_FACTOR_LIMIT, keyPrefix: randomUUID() }),
    };
    expect(await signInWithPasskey(db, pending, forged as unknown as AuthenticationResponseJSON, ctx)).toEqual({ ok: false, reason: "invalid" });
    expect((await readPendingSignIn(db, started.secondFactor.cookieValue))?.attempts).toBe(1);
  });
});
