import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { z } from "zod/mini";
import { consoleFetch } from "@/lib/console/fetch";
import { scheduledContracts, type scheduledDeactivation, type scheduleListPage } from "@/lib/contracts/scheduled";
import { scheduledKeys } from "./keys";

export type ScheduleDto = z.infer<typeof scheduledDeactivation>;
export type SchedulePageDto = z.infer<typeof scheduleListPage>;

/** The Scheduled view: live schedules soonest first, a page at a time ("Show more"), each page after the last one's cursor. */
export function scheduledListQuery() {
  return infiniteQueryOptions({
    queryKey: scheduledKeys.list(),
    queryFn: async ({ signal, pageParam }) => (await consoleFetch(scheduledContracts.list, { query: { after: pageParam ?? undefined }, signal })).data,
    initialPageParam: null as string | null,
    getNextPageParam: (page: SchedulePageDto) => page.next,
  });
}

export function timeZoneQuery() {
  return queryOptions({
    queryKey: scheduledKeys.timeZone(),
    queryFn: async ({ signal }) => (await consoleFetch(scheduledContracts.readTimeZone, { signal })).data,
  });
}

export async function cancelScheduleRequest(id: string): Promise<ScheduleDto> {
  return (await consoleFetch(scheduledContracts.cancel, { params: { id } })).data;
}

export async function saveTimeZoneRequest(timeZone: string): Promise<{ timeZone: string }> {
  return (await consoleFetch(scheduledContracts.saveTimeZone, { body: { timeZone } })).data;
}
