import type { WebhookDeliveryStatus } from "@/db/schema/webhook-constants";

/**
 * react-query keys for every console resource. Components never write literal keys: they use these
 * factories, and mutations invalidate by the broader keys (e.g. `userKeys.all`).
 */
export type UserListFilters = { query: string; status: "all" | "active" | "inactive"; department: string; sort: string; page: number };
export type AuditFilters = { actor: string; action: string; target: string; from: string; to: string; page: number };

export const userKeys = {
  all: ["users"] as const,
  lists: () => [...userKeys.all, "list"] as const,
  list: (filters: UserListFilters) => [...userKeys.lists(), filters] as const,
  departments: () => [...userKeys.all, "departments"] as const,
  detail: (id: string) => [...userKeys.all, "detail", id] as const,
  resolve: (emails: string[]) => [...userKeys.all, "resolve", emails] as const,
};

export const tokenKeys = {
  all: ["tokens"] as const,
  list: () => [...tokenKeys.all, "list"] as const,
};

export const sessionKeys = {
  all: ["sessions"] as const,
  list: () => [...sessionKeys.all, "list"] as const,
};

export const provisioningKeys = {
  all: ["provisioning"] as const,
  overview: () => [...provisioningKeys.all, "overview"] as const,
};

export const signInSettingsKeys = {
  all: ["sign-in-settings"] as const,
  detail: () => [...signInSettingsKeys.all, "detail"] as const,
};

export type WebhookDeliveryFilters = { status: WebhookDeliveryStatus | null };

export const webhookKeys = {
  all: ["webhooks"] as const,
  list: () => [...webhookKeys.all, "list"] as const,
  detail: (id: string) => [...webhookKeys.all, "detail", id] as const,
  deliveries: (id: string, filters: WebhookDeliveryFilters) => [...webhookKeys.detail(id), "deliveries", filters] as const,
};

export const auditKeys = {
  all: ["audit"] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, "list", filters] as const,
  forTarget: (targetId: string) => [...auditKeys.all, "target", targetId] as const,
};

export type LeaverPreviewFilters = { class: string | null; page: number };
export type LeaverResultFilters = { outcome: string | null; page: number };

export const leaverKeys = {
  all: ["leavers"] as const,
  previews: () => [...leaverKeys.all, "preview"] as const,
  preview: (id: string, filters: LeaverPreviewFilters) => [...leaverKeys.previews(), id, filters] as const,
  jobs: () => [...leaverKeys.all, "jobs"] as const,
  jobList: () => [...leaverKeys.jobs(), "list"] as const,
  job: (id: string) => [...leaverKeys.jobs(), "detail", id] as const,
  jobViewer: (id: string) => [...leaverKeys.all, "job-viewer", id] as const,
  results: (id: string, filters: LeaverResultFilters) => [...leaverKeys.job(id), "results", filters] as const,
  approvalSetting: () => [...leaverKeys.all, "approval-setting"] as const,
};

export const mfaKeys = {
  all: ["mfa"] as const,
  overview: () => [...mfaKeys.all, "overview"] as const,
};

export const stepUpKeys = {
  all: ["step-up"] as const,
  status: () => [...stepUpKeys.all, "status"] as const,
};

export const scheduledKeys = {
  all: ["scheduled-deactivations"] as const,
  list: () => [...scheduledKeys.all, "list"] as const,
  timeZone: () => [...scheduledKeys.all, "time-zone"] as const,
};
