import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { UserDetailView } from "@/components/user-detail/user-detail-view";
import { getDb } from "@/lib/db";
import { UUID_PATTERN } from "@/lib/contracts/common";
import { requireSession } from "@/lib/console/current-session";
import { consoleUserDetail, userPagePermissions } from "@/lib/console/user-detail";

type Props = { params: Promise<{ id: string }> };

// Once per request for both the metadata and the page. Another tenant's user is simply not found.
const loadUserPage = cache(async (rawId: string) => {
  const id = rawId.toLowerCase();
  if (!UUID_PATTERN.test(id)) return null;
  const session = await requireSession();
  const permissions = userPagePermissions(session, id);
  const data = await consoleUserDetail(getDb(), session, id);
  if (!data) return null;
  return { id, permissions, data, loadedAt: Date.now() };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const page = await loadUserPage((await params).id);
  return { title: page ? page.data.user.name : "User not found" };
}

export default async function UserPage({ params }: Props) {
  const page = await loadUserPage((await params).id);
  if (!page) notFound();
  return <UserDetailView id={page.id} initialData={page.data} loadedAt={page.loadedAt} permissions={page.permissions} />;
}
