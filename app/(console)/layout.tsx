import type { ReactNode } from "react";
import { ConsoleProviders } from "@/components/providers";
import { ConsoleShell } from "@/components/console/console-shell";
import { requireSession } from "@/lib/console/current-session";

// Every console page depends on the signed-in admin.
export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  return (
    <ConsoleProviders csrfToken={session.csrfToken}>
      <ConsoleShell session={{ name: session.userName, email: session.userEmail, role: session.role, tenantName: session.tenantName }}>{children}</ConsoleShell>
    </ConsoleProviders>
  );
}
