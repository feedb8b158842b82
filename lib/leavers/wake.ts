/**
 * Tells this process's leaver workers that a job became runnable (confirmed, approved, or an
 * undo), so that it starts now instead of at the worker's next poll. Other instances on the same
 * PostgreSQL database still find it by polling.
 *
 * The endpoints that queue jobs and the worker that runs them can be loaded by two bundles (Next's
 * and the esbuild-compiled server), each with its own copy of this module, so the listeners live
 * on globalThis under a registered symbol, which both copies name alike.
 */
const CHANNEL = Symbol.for("roster.leaver-jobs.runnable");
type Listener = () => void;
const shared = globalThis as typeof globalThis & { [CHANNEL]?: Set<Listener> };

export function announceRunnableLeaverJob(): void {
  for (const listener of shared[CHANNEL] ?? []) listener();
}

/** Calls `listener` at each announcement; returns the function that stops it. */
export function onRunnableLeaverJob(listener: Listener): () => void {
  const listeners = (shared[CHANNEL] ??= new Set());
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
