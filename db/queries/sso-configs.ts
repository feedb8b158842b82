import type { Db } from "../client";
import { inList, inTransaction, prepared } from "../prepared";
import type { SsoConfig, SsoRoleMap } from "../schema";
import { recordAuditEvent } from "./audit";
import type { WebhookActor } from "./webhook-endpoints";

// A tenant's single sign-on configuration (db/schema/sign-in.ts, docs/decisions/0021).

/** The configuration with its email domains. The client secret is here for the server only. */
export type SsoSettings = Omit<SsoConfig, "roleMap" | "passwordsAllowed" | "updatedBy"> & {
  roleMap: SsoRoleMap;
  passwordsAllowed: boolean;
  updatedBy: { id: string; name: string } | null;
  domains: string[];
};

const CONFIG_COLUMNS = `c.tenant_id as "tenantId", c.issuer, c.client_id as "clientId", c.client_secret as "clientSecret", c.role_claim as "roleClaim",
  c.role_map as "roleMap", c.passwords_allowed as "passwordsAllowed", c.first_sign_in_at as "firstSignInAt", c.updated_by as "updatedBy",
  c.created_at as "createdAt", c.updated_at as "updatedAt"`;

type ConfigRow = Omit<SsoSettings, "roleMap" | "passwordsAllowed" | "updatedBy" | "domains"> & {
  roleMap: string;
  passwordsAllowed: number;
  updatedBy: string | null;
};

const CONFIG_OF_TENANT = `select ${CONFIG_COLUMNS} from sso_configs c where c.tenant_id = ?`;
const CONFIG_OF_DOMAIN = `select ${CONFIG_COLUMNS} from sso_domains d join sso_configs c on c.tenant_id = d.tenant_id where d.domain = ?`;
const DOMAINS_OF_TENANT = "select domain from sso_domains where tenant_id = ? order by domain";

async function withDomains(db: Db, row: ConfigRow | undefined): Promise<SsoSettings | undefined> {
  if (!row) return undefined;
  const domains = await prepared<{ domain: string }>(db, DOMAINS_OF_TENANT).all(row.tenantId);
  return {
    ...row,
    roleMap: JSON.parse(row.roleMap) as SsoRoleMap,
    passwordsAllowed: Boolean(row.passwordsAllowed),
    updatedBy: row.updatedBy === null ? null : (JSON.parse(row.updatedBy) as SsoSettings["updatedBy"]),
    domains: domains.map((d) => d.domain),
  };
}

export async function findSsoSettings(db: Db, tenantId: string): Promise<SsoSettings | undefined> {
  return withDomains(db, await prepared<ConfigRow>(db, CONFIG_OF_TENANT).get(tenantId));
}

/** The SSO configuration that lets in addresses of this (lower-case) domain, if any tenant claims it. */
export async function findSsoSettingsForDomain(db: Db, domain: string): Promise<SsoSettings | undefined> {
  return withDomains(db, await prepared<ConfigRow>(db, CONFIG_OF_DOMAIN).get(domain));
}

export type SaveSsoSettingsInput = {
  tenantId: string;
  issuer: string;
  clientId: string;
  /**
   * null keeps the stored secret (the console never shows it, so an edit without a new one keeps
   * it) — only for the same issuer and client id: it is that client's secret at that provider.
   */
  clientSecret: string | null;
  /** Lower case, without duplicates. */
  domains: string[];
  roleClaim: string;
  roleMap: SsoRoleMap;
  passwordsAllowed: boolean;
  actor: WebhookActor;
  requestId?: string | null;
};

export type SaveSsoSettingsResult =
  | { ok: true; settings: SsoSettings }
  /** No secret given: SSO is set up for the first time, or the issuer or client id changed. */
  | { ok: false; problem: "secret_required" }
  /** Another tenant lets these domains in already. */
  | { ok: false; problem: "domains_taken"; domains: string[] }
  /** Passwords stay on until someone has signed in through SSO once, so a broken setup cannot lock everyone out. */
  | { ok: false; problem: "no_sso_sign_in_yet" };

const DOMAINS_ELSEWHERE = (list: string) => `select domain from sso_domains where tenant_id <> ? and domain in ${list} order by domain`;
const UPSERT_CONFIG = `insert into sso_configs (tenant_id, issuer, client_id, client_secret, role_claim, role_map, passwords_allowed, updated_by, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, (? = 1), ?, ?, ?)
  on conflict (tenant_id) do update set issuer = excluded.issuer, client_id = excluded.client_id, client_secret = excluded.client_secret,
    role_claim = excluded.role_claim, role_map = excluded.role_map, passwords_allowed = excluded.passwords_allowed,
    updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
const DELETE_DOMAINS = "delete from sso_domains where tenant_id = ?";
const INSERT_DOMAIN = "insert into sso_domains (domain, tenant_id, created_at, updated_at) values (?, ?, ?, ?)";

/** What changed, for the audit event: names of changed fields and the new values, never the secret. */
function changes(before: SsoSettings | undefined, input: SaveSsoSettingsInput): Record<string, unknown> {
  const after: Record<string, unknown> = {
    issuer: input.issuer,
    clientId: input.clientId,
    domains: input.domains,
    roleClaim: input.roleClaim,
    roleMap: input.roleMap,
    passwordsAllowed: input.passwordsAllowed,
  };
  const changed = Object.keys(after).filter((key) => JSON.stringify(before?.[key as keyof SsoSettings]) !== JSON.stringify(after[key]));
  const secretChanged = input.clientSecret !== null && input.clientSecret !== before?.clientSecret;
  return { ...after, changed: secretChanged ? [...changed, "clientSecret"] : changed };
}

/**
 * Creates or replaces a tenant's SSO configuration and its domains, audited as `sso.updated`
 * (without the secret), in one transaction. A domain belongs to one tenant (the primary key of
 * sso_domains): two tenants saving one domain at once, the second fails on the key.
 */
export function saveSsoSettings(db: Db, input: SaveSsoSettingsInput, now = Date.now()): Promise<SaveSsoSettingsResult> {
  return inTransaction(db, "immediate", async () => {
    const before = await findSsoSettings(db, input.tenantId);
    // Kept for the provider and client it was issued for: a changed issuer would otherwise be sent it (client_secret_basic).
    const sameClient = before?.issuer === input.issuer && before.clientId === input.clientId;
    const secret = input.clientSecret ?? (sameClient ? before.clientSecret : undefined);
    if (!secret) return { ok: false, problem: "secret_required" } as const;
    if (!input.passwordsAllowed && (before?.passwordsAllowed ?? true) && !before?.firstSignInAt) return { ok: false, problem: "no_sso_sign_in_yet" } as const;
    if (input.domains.length > 0) {
      const list = inList(input.domains);
      const taken = await prepared<{ domain: string }>(db, DOMAINS_ELSEWHERE(list.sql)).all(input.tenantId, ...list.values);
      if (taken.length > 0) return { ok: false, problem: "domains_taken", domains: [...new Set(taken.map((t) => t.domain))] } as const;
    }
    const updatedBy = input.actor.id ? JSON.stringify({ id: input.actor.id, name: input.actor.name }) : null;
    await prepared(db, UPSERT_CONFIG).run(
      input.tenantId,
      input.issuer,
      input.clientId,
      secret,
      input.roleClaim,
      JSON.stringify(input.roleMap),
      input.passwordsAllowed ? 1 : 0,
      updatedBy,
      now,
      now,
    );
    await prepared(db, DELETE_DOMAINS).run(input.tenantId);
    for (const domain of input.domains) await prepared(db, INSERT_DOMAIN).run(domain, input.tenantId, now, now);
    await recordAuditEvent(db, {
      tenantId: input.tenantId,
      actorType: input.actor.type,
      actorId: input.actor.id ?? null,
      actorName: input.actor.name,
      action: "sso.updated",
      targetType: "tenant",
      targetId: input.tenantId,
      outcome: "success",
      requestId: input.requestId ?? null,
      details: changes(before, input),
      createdAt: now,
    });
    return { ok: true, settings: (await findSsoSettings(db, input.tenantId))! } as const;
  });
}

const MARK_FIRST_SIGN_IN = "update sso_configs set first_sign_in_at = ? where tenant_id = ? and first_sign_in_at is null";

/** Records that SSO works for the tenant (the first successful sign-in), which allows switching passwords off. */
export async function markSsoSignInWorks(db: Db, tenantId: string, now = Date.now()): Promise<void> {
  await prepared(db, MARK_FIRST_SIGN_IN).run(now, tenantId);
}
