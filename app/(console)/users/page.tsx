import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getDb } from "@/lib/db";
import { consoleUserPage } from "@/lib/console/users";
import { UsersPage } from "@/components/users/users-page";
import { requireSession } from "@/lib/console/current-session";
import { parseUserFilters, USER_PAGE_SIZE, userListKey } from "@/lib/query/users";

export const metadata: Metadata = { title: "Users" };

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The first page of results is read here, straight from the database, and handed to the
 * browser's query cache: the list is in the HTML, with no second round trip before it shows.
 * Later searches, filters and pages are fetched by the browser from the console API (userContracts.list).
 */
export default async function UsersRoute({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const session = await requireSession();
  const raw = await searchParams;
  const filters = parseUserFilters((name) => {
    const value = raw[name];
    return Array.isArray(value) ? value.at(-1) : value;
  });
  const queryClient = new QueryClient();
  queryClient.setQueryData(userListKey(filters), await consoleUserPage(getDb(), session.tenantId, { ...filters, size: USER_PAGE_SIZE }));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <UsersPage />
    </HydrationBoundary>
  );
}
