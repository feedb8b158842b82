import { serverEnv } from "@/lib/env";

// The step-up gate (docs/decisions/0023): endpoints declared `stepUp: true` need the session's
// holder to have authenticated (signed in, or stepped up) within STEP_UP_MAX_AGE_SECONDS.

/** True when an authentication at `authenticatedAt` is too old (or unknown) for a step-up endpoint; exactly the max age still counts. */
export function isStale(authenticatedAt: number | null, now: number, maxAgeSeconds = serverEnv().STEP_UP_MAX_AGE_SECONDS): boolean {
  return authenticatedAt === null || now - authenticatedAt > maxAgeSeconds * 1000;
}
