"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useEffectEvent } from "react";
import { isRunning, type LeaverJobDto } from "@/lib/query/leavers";
import { leaverKeys } from "@/lib/query/keys";

/**
 * Once the job on screen has finished, "Recent jobs" says so at the same moment, instead of on its
 * own slower poll. Its row is replaced by the job the panel just read, and the list is refetched
 * for whatever else changed (e.g. "undone" on the job an undo job reverses). A job that finished
 * before the panel first read it counts too: the panel need not have seen it running.
 */
export function useFinishedJobInList(job: LeaverJobDto | undefined) {
  const queryClient = useQueryClient();
  const syncList = useEffectEvent(() => {
    if (!job || isRunning(job)) return;
    const listed = queryClient.getQueryData<LeaverJobDto[]>(leaverKeys.jobList())?.find((row) => row.id === job.id);
    if (listed?.status === job.status) return;
    queryClient.setQueryData<LeaverJobDto[]>(leaverKeys.jobList(), (rows) => rows?.map((row) => (row.id === job.id ? job : row)));
    void queryClient.invalidateQueries({ queryKey: leaverKeys.jobList() });
  });
  // Only a change of job or status matters, not each poll's new object.
  useEffect(() => syncList(), [job?.id, job?.status]);
}
