// People's words for the classes, outcomes and statuses of the leaver API.

export const CLASS_LABELS: Record<string, string> = {
  will_deactivate: "Will deactivate",
  already_inactive: "Already inactive",
  not_found: "Not found",
  invalid_email: "Invalid email",
  duplicate: "Duplicate",
  self: "Yourself",
  scheduled: "Scheduled",
  invalid_effective_at: "Invalid effective date",
};
export const CLASS_ORDER = Object.keys(CLASS_LABELS);

export const OUTCOME_LABELS: Record<string, string> = {
  deactivated: "Deactivated",
  reactivated: "Reactivated",
  already_inactive: "Already inactive",
  already_active: "Already active",
  not_found: "Not found",
  invalid: "Invalid",
  skipped: "Skipped",
  error: "Error",
  changed_since_preview: "Changed since preview",
  scheduled: "Scheduled",
  pending: "Pending",
};

export const STATUS_LABELS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  completed: "Completed",
  cancelled: "Cancelled",
  awaiting_approval: "Awaiting approval",
  rejected: "Rejected",
  expired: "Expired",
};
export const KIND_LABELS: Record<string, string> = { deactivate: "Deactivation", reactivate: "Undo (reactivation)" };

const number = new Intl.NumberFormat("en-US");
export const fmt = (n: number) => number.format(n);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
