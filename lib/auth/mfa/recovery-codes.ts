import { createHash, randomInt } from "node:crypto";

// One-time recovery codes: ten, each 10 characters from an alphabet without look-alikes (≈ 50 bits),
// shown once as "xxxxx-xxxxx". Only a SHA-256 of each is stored: with that much entropy and a few
// attempts per sign-in a slow hash would add nothing (docs/decisions/0022).

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const LENGTH = 10;

function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The code as typed, in its stored form: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]+/g, "");
}

export function hashRecoveryCode(typed: string): string {
  return createHash("sha256").update(normalizeRecoveryCode(typed)).digest("base64url");
}

/** A new set: the codes to show once, and the hashes to store. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(newRecoveryCode());
  return { codes: [...codes], hashes: [...codes].map(hashRecoveryCode) };
}
