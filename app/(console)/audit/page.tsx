import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getDb } from "@/lib/db";
import { AuditView } from "@/components/audit/audit-view";
import { filtersFromSearchParams } from "@/components/audit/audit-url";
import { auditLogPage } from "@/lib/console/audit";
import { auditQuery } from "@/lib/contracts/audit";
import { requireSession } from "@/lib/console/current-session";
import { AUDIT_PAGE_SIZE, auditSearchParams } from "@/lib/query/audit";
import { makeQueryClient } from "@/lib/query/client";
import { auditKeys } from "@/lib/query/keys";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditLogPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireSession();
  if (session.role !== "admin" && session.role !== "auditor") {
    return (
      <section>
        <h1>Audit log</h1>
        <p>The audit log is open to admins and auditors only. Ask an admin of your tenant if you need an export.</p>
      </section>
    );
  }

  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) if (typeof value === "string") params.set(key, value);
  const filters = filtersFromSearchParams(params);
  // First page from the database directly; filters the API would refuse are left to the client, which shows why.
  const queryClient = makeQueryClient();
  const parsed = auditQuery.safeParse(auditSearchParams(filters));
  if (parsed.success)
    queryClient.setQueryData(auditKeys.list(filters), await auditLogPage(getDb(), session.tenantId, { ...parsed.data, size: AUDIT_PAGE_SIZE }));

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AuditView />
    </HydrationBoundary>
  );
}
