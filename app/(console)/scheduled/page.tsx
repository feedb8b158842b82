import type { Metadata } from "next";
import { ScheduledView } from "@/components/scheduled/scheduled-view";
import { requireSession } from "@/lib/console/current-session";

export const metadata: Metadata = { title: "Scheduled deactivations" };

export default async function ScheduledPage() {
  const session = await requireSession();
  // Cancelling is a deactivation decision: admins only, as the endpoint's policy says.
  return <ScheduledView mayCancel={session.role === "admin"} />;
}
