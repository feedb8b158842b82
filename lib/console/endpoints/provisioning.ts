import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint, type Principal } from "@/lib/api/endpoint";
import { ApiError } from "@/lib/api/errors";
import { provisioningContracts as c } from "@/lib/contracts/provisioning";
import { issueProvisioningToken, notScimProvider, readProvisioningOverview, revokeProvisioningToken } from "../provisioning";

// Admins only (policy action manageProvisioning): a provisioning token creates and deactivates users.
const admins = { dialect: consoleDialect, auth: "session", action: "manageProvisioning" } as const;
const adminActor = (principal: Principal) => ({ type: "admin", id: principal.actor.id, name: principal.actor.name }) as const;

export const PROVISIONING_ENDPOINTS = [
  // The tenant's SCIM identity providers and their provisioning tokens
  defineEndpoint({
    ...c.overview,
    ...admins,
    operationId: "consoleProvisioningOverview",
    handler: async ({ db, principal }) => ({ data: { data: await readProvisioningOverview(db, principal.tenantId) } }),
  }),
  // Issue a provisioning token, creating the SCIM provider when the tenant has none of that name; the secret is in this answer only
  defineEndpoint({
    ...c.create,
    ...admins,
    operationId: "consoleCreateProvisioningToken",
    stepUp: true,
    errors: [400, 409],
    handler: async ({ db, principal, body }) => {
      const result = await issueProvisioningToken(db, {
        tenantId: principal.tenantId,
        providerName: body.provider,
        name: body.name,
        actor: adminActor(principal),
      });
      if (!result.ok) {
        const problem = notScimProvider(result.conflict);
        throw new ApiError("conflict", `${problem}. Choose another provider name.`, { details: { provider: problem } });
      }
      return { data: { data: result.token } };
    },
  }),
  // Revoke a provisioning token: the identity provider's next request is refused
  defineEndpoint({
    ...c.revoke,
    ...admins,
    operationId: "consoleRevokeProvisioningToken",
    // The identity provider stops deprovisioning leavers.
    stepUp: true,
    errors: [400, 404],
    handler: async ({ db, principal, params }) => {
      const result = await revokeProvisioningToken(db, principal.tenantId, params.id, adminActor(principal));
      if (result.status === "not-found") throw new ApiError("not_found", `No provisioning token ${params.id}`);
      return { data: { data: result.token } };
    },
  }),
];
