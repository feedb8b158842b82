import { AUDIT_ENDPOINTS } from "./audit";
import { CONSOLE_SESSION_ENDPOINTS } from "./console-sessions";
import { LEAVER_APPROVAL_ENDPOINTS } from "./leaver-approval";
import { LEAVER_CONSOLE_ENDPOINTS } from "./leavers";
import { OIDC_ENDPOINTS } from "./oidc";
import { MFA_ENDPOINTS } from "./mfa";
import { MFA_SIGN_IN_ENDPOINTS } from "./mfa-sign-in";
import { PROVISIONING_ENDPOINTS } from "./provisioning";
import { SCHEDULED_ENDPOINTS } from "./scheduled";
import { SESSION_ENDPOINTS } from "./session";
import { SIGN_IN_SETTINGS_ENDPOINTS } from "./sign-in-settings";
import { STEP_UP_ENDPOINTS } from "./step-up";
import { TOKEN_ENDPOINTS } from "./tokens";
import { USER_ENDPOINTS } from "./users";
import { WEBHOOK_ENDPOINTS } from "./webhooks";

/** The console's own API: session cookie, CSRF on changes, problem+json errors. */
export const CONSOLE_ENDPOINTS = [
  ...SESSION_ENDPOINTS,
  ...OIDC_ENDPOINTS,
  ...MFA_SIGN_IN_ENDPOINTS,
  ...CONSOLE_SESSION_ENDPOINTS,
  ...STEP_UP_ENDPOINTS,
  ...MFA_ENDPOINTS,
  ...USER_ENDPOINTS,
  ...TOKEN_ENDPOINTS,
  ...AUDIT_ENDPOINTS,
  ...LEAVER_CONSOLE_ENDPOINTS,
  ...LEAVER_APPROVAL_ENDPOINTS,
  ...SCHEDULED_ENDPOINTS,
  ...PROVISIONING_ENDPOINTS,
  ...WEBHOOK_ENDPOINTS,
  ...SIGN_IN_SETTINGS_ENDPOINTS,
];
