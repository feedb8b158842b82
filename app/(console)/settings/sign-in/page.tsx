import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { SignInSettingsView } from "@/components/sign-in-settings/sign-in-settings-view";
import { ACTION_REQUIREMENTS } from "@/lib/auth/actions";
import { getDb } from "@/lib/db";
import { requireSession } from "@/lib/console/current-session";
import { readSignInSettings } from "@/lib/console/sign-in-settings";
import { makeQueryClient } from "@/lib/query/client";
import { signInSettingsKeys } from "@/lib/query/keys";

export const metadata: Metadata = { title: "Sign-in" };

export default async function SignInSettingsPage() {
  const session = await requireSession();
  if (!(ACTION_REQUIREMENTS.manageSignInSettings.roles as readonly string[]).includes(session.role)) {
    return (
      <section>
        <h1>Sign-in</h1>
        <p>Sign-in settings are for admins only: they decide who can sign in to Roster and how. Ask an admin of your tenant.</p>
      </section>
    );
  }
  // The first render carries the settings, read straight from the database; the client refetches via the API.
  const queryClient = makeQueryClient();
  queryClient.setQueryData(signInSettingsKeys.detail(), await readSignInSettings(getDb(), session.tenantId));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <SignInSettingsView />
    </HydrationBoundary>
  );
}
