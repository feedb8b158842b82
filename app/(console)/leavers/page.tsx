import type { Metadata } from "next";
import { LeaversView } from "@/components/leavers/leavers-view";
import { requireSession } from "@/lib/console/current-session";

export const metadata: Metadata = { title: "Leavers" };

export default async function LeaversPage() {
  const session = await requireSession();
  if (session.role !== "admin") {
    return (
      <section>
        <h1>Leavers</h1>
        <p>Bulk leavers are for admins only: deactivating many users at once needs the admin role. Ask an admin of your tenant to run the file.</p>
      </section>
    );
  }
  // The upload is a multipart form, not JSON through consoleFetch: it needs the CSRF token itself.
  return <LeaversView csrfToken={session.csrfToken} />;
}
