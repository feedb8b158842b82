import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { ProvisioningView } from "@/components/provisioning/provisioning-view";
import { ACTION_REQUIREMENTS } from "@/lib/auth/actions";
import { getDb } from "@/lib/db";
import { requireSession } from "@/lib/console/current-session";
import { readProvisioningOverview } from "@/lib/console/provisioning";
import { makeQueryClient } from "@/lib/query/client";
import { provisioningKeys } from "@/lib/query/keys";
import { SCIM_BASE_PATH } from "@/lib/scim/wire";

export const metadata: Metadata = { title: "Provisioning" };

export default async function ProvisioningPage() {
  const session = await requireSession();
  if (!(ACTION_REQUIREMENTS.manageProvisioning.roles as readonly string[]).includes(session.role)) {
    return (
      <section>
        <h1>Provisioning</h1>
        <p>Provisioning is for admins only: a provisioning token lets an identity provider create and deactivate users. Ask an admin of your tenant.</p>
      </section>
    );
  }
  // The first render carries the overview, read straight from the database; the client refetches via the API.
  const queryClient = makeQueryClient();
  queryClient.setQueryData(provisioningKeys.overview(), await readProvisioningOverview(getDb(), session.tenantId));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ProvisioningView scimBasePath={SCIM_BASE_PATH} />
    </HydrationBoundary>
  );
}
