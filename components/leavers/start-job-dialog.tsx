"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ConfirmDialog, type ConfirmDialogProps } from "@/components/ui/confirm-dialog";
import type { LeaverJobDto } from "@/lib/query/leavers";

type StartJobDialogProps = Omit<ConfirmDialogProps<LeaverJobDto>, "pendingLabel" | "onConfirm" | "onSuccess" | "afterSuccess"> & {
  /** Starts the job. */
  start: () => Promise<LeaverJobDto>;
  /** What the new job makes stale. */
  stale: QueryKey;
};

/** Confirms what starts a leaver job (a run, an undo), then opens the job's page; the dialog stays, "Starting…", until it does. */
export function StartJobDialog({ start, stale, ...dialog }: StartJobDialogProps) {
  const router = useRouter();
  const queryClient = useQueryClient();

  async function startJob() {
    const job = await start();
    await queryClient.invalidateQueries({ queryKey: stale });
    return job;
  }

  return (
    <ConfirmDialog
      {...dialog}
      pendingLabel="Starting…"
      onConfirm={startJob}
      onSuccess={(job) => router.push(`/leavers?job=${encodeURIComponent(job.id)}`)}
      afterSuccess="stay"
    />
  );
}
