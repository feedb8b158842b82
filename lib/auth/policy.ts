import fs from "node:fs";
import path from "node:path";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";

export { POLICY_ACTIONS, type PolicyAction } from "./actions";
import type { PolicyAction } from "./actions";

export type PolicyPrincipal = { tokenId: string; tenantId: string; role: string; scopes: readonly string[] };
export type PolicyResource = { type: "Tenant" | "User" | "LeaverJob"; id: string; tenantId: string };
/** isSelf: the resource is the caller's own user, or a bulk job that switches it off (the policies' no-self-deactivation). */
export type PolicyContext = { isSelf: boolean };
export type Decision = { allowed: boolean; policyIds: string[] };

const POLICY_SET_ID = "roster";
// Read at run time from the repository (not bundled): policies stay files an operator can read.
const POLICY_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "policies");

/** Reads every `*.cedar` file into one policy set, keyed by each policy's @id annotation. */
export function loadPolicies(dir = POLICY_DIR): Record<string, string> {
  const policies: Record<string, string> = {};
  for (const file of fs
    .readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((name) => name.endsWith(".cedar"))
    .sort()) {
    const text = fs.readFileSync(/*turbopackIgnore: true*/ path.join(dir, file), "utf8");
    const parts = cedar.policySetTextToParts(text);
    if (parts.type !== "success") throw new Error(`cannot parse ${file}: ${JSON.stringify(parts.errors)}`);
    for (const policy of parts.policies) {
      const id = /@id\("([^"]+)"\)/.exec(policy)?.[1];
      if (!id) throw new Error(`${file}: every policy needs an @id("...") annotation`);
      if (policies[id]) throw new Error(`${file}: duplicate policy id ${id}`);
      policies[id] = policy;
    }
  }
  return policies;
}

const globalForPolicies = globalThis as unknown as { rosterPolicies?: { cache: Map<string, Decision> } };

function ensurePreparsed(): Map<string, Decision> {
  if (!globalForPolicies.rosterPolicies) {
    const result = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: loadPolicies() });
    if (result.type !== "success") throw new Error(`cannot load policies: ${JSON.stringify(result.errors)}`);
    globalForPolicies.rosterPolicies = { cache: new Map() };
  }
  return globalForPolicies.rosterPolicies.cache;
}

const MAX_CACHED_DECISIONS = 10_000;

/**
 * Asks the Cedar policies whether a token may do an action on a resource. The policy set is
 * parsed once per process; decisions are memoised on exactly the attributes the policies read
 * (tenants, role, scopes, action, isSelf), so a repeated question costs a map lookup.
 */
export function authorize(principal: PolicyPrincipal, action: PolicyAction, resource: PolicyResource, context: PolicyContext = { isSelf: false }): Decision {
  const cache = ensurePreparsed();
  const key = `${action}|${principal.tenantId}|${principal.role}|${principal.scopes.join(" ")}|${resource.type}|${resource.tenantId}|${context.isSelf}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const answer = cedar.statefulIsAuthorized({
    principal: { type: "Token", id: principal.tokenId },
    action: { type: "Action", id: action },
    resource: { type: resource.type, id: resource.id },
    context,
    preparsedPolicySetId: POLICY_SET_ID,
    entities: [
      {
        uid: { type: "Token", id: principal.tokenId },
        attrs: { tenantId: principal.tenantId, role: principal.role, scopes: [...principal.scopes] },
        parents: [],
      },
      { uid: { type: resource.type, id: resource.id }, attrs: { tenantId: resource.tenantId }, parents: [] },
    ],
  });
  if (answer.type !== "success") throw new Error(`policy evaluation failed: ${JSON.stringify(answer.errors)}`);
  const decision: Decision = { allowed: answer.response.decision === "allow", policyIds: answer.response.diagnostics.reason };
  if (cache.size >= MAX_CACHED_DECISIONS) cache.clear();
  cache.set(key, decision);
  return decision;
}
