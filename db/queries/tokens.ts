import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { IMMEDIATE } from "../prepared";
import { personalAccessTokens, type PersonalAccessToken } from "../schema";
import { recordAuditEvent } from "./audit";
import { writtenAt } from "../schema/columns";

export type CreateTokenInput = {
  id: string;
  tenantId: string;
  adminId: string;
  name: string;
  secretHash: string;
  scopes: string[];
  expiresAt: number | null;
  actor: { type: "admin" | "system"; id?: string; name: string };
};

export function createToken(db: Db, input: CreateTokenInput, now = Date.now()): PersonalAccessToken {
  return db.transaction((tx) => {
    const token = tx
      .insert(personalAccessTokens)
      .values({
        id: input.id,
        tenantId: input.tenantId,
        adminId: input.adminId,
        name: input.name,
        secretHash: input.secretHash,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        ...writtenAt(now),
      })
      .returning()
      .get();
    recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: input.actor.type,
      actorId: input.actor.id ?? null,
      actorName: input.actor.name,
      action: "token.created",
      targetType: "token",
      targetId: token.id,
      outcome: "success",
      details: { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt },
      createdAt: now,
    });
    return token;
  }, IMMEDIATE);
}

export type RevokeTokenResult = { status: "revoked" | "already-revoked"; token: PersonalAccessToken } | { status: "not-found" };

export function revokeToken(db: Db, id: string, actor: { type: "admin" | "system"; id?: string; name: string }, now = Date.now()): RevokeTokenResult {
  return db.transaction((tx) => {
    const existing = tx.select().from(personalAccessTokens).where(eq(personalAccessTokens.id, id)).get();
    if (!existing) return { status: "not-found" } as const;
    if (existing.revokedAt !== null) return { status: "already-revoked", token: existing } as const;
    const token = tx
      .update(personalAccessTokens)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(personalAccessTokens.id, id), isNull(personalAccessTokens.revokedAt)))
      .returning()
      .get();
    recordAuditEvent(db, {
      tenantId: existing.tenantId,
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorName: actor.name,
      action: "token.revoked",
      targetType: "token",
      targetId: id,
      outcome: "success",
      details: { name: existing.name },
      createdAt: now,
    });
    return { status: "revoked", token: token ?? existing } as const;
  }, IMMEDIATE);
}
