// The whole schema, one module per concern; `@/db/schema` and drizzle-kit (drizzle.config.ts) read it here.
export { tenants, type Tenant } from "./tenants";
export * from "./keys";
export * from "./directory";
export * from "./access";
export * from "./audit";
export * from "./service";
export * from "./leavers";
export * from "./leaver-approvals";
export * from "./provisioning";
export * from "./webhooks";
export * from "./sign-in";
export * from "./mfa";
export * from "./scheduled";
