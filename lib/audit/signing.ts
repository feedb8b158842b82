import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

// The audit chain's checkpoints are signed with Ed25519 (node:crypto, OpenSSL underneath): the
// signing key comes from the configuration (AUDIT_SIGNING_KEY), an auditor checks with the public
// key alone. docs/decisions/0020.

export type CheckpointKey = { privateKey: KeyObject; publicKey: KeyObject; keyId: string };
export type SignedPosition = { tenantId: string; seq: number; hash: string };

/** A short, stable name of a public key: the first 16 hex digits of the SHA-256 of its SPKI encoding. */
export const keyIdOf = (publicKey: KeyObject) =>
  createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);

/** What a checkpoint's signature covers: its tenant, position and the chain's hash there. */
export const checkpointMessage = (position: SignedPosition) =>
  Buffer.from(`roster-audit-checkpoint/v1\n${position.tenantId}\n${position.seq}\n${position.hash}`);

/** The key pair of a PEM Ed25519 private key; throws naming what is wrong with it. */
export function checkpointKey(privateKeyPem: string): CheckpointKey {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new Error(`the audit signing key is ${privateKey.asymmetricKeyType ?? "not an asymmetric"} key, not Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A PEM Ed25519 public key (what an auditor holds). */
export function checkpointPublicKey(publicKeyPem: string): KeyObject {
  const publicKey = createPublicKey(publicKeyPem);
  if (publicKey.asymmetricKeyType !== "ed25519") throw new Error(`the public key is ${publicKey.asymmetricKeyType ?? "not an asymmetric"} key, not Ed25519`);
  return publicKey;
}

export const signCheckpoint = (key: CheckpointKey, position: SignedPosition) => sign(null, checkpointMessage(position), key.privateKey).toString("base64");

export function checkpointSignatureValid(publicKey: KeyObject, position: SignedPosition, signature: string): boolean {
  try {
    return verify(null, checkpointMessage(position), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}
