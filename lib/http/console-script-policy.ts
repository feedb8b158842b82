import { randomBytes } from "node:crypto";
import SECURITY_HEADERS from "./security-headers.json";

export const CONTENT_SECURITY_POLICY = "content-security-policy";

/** 128 random bits for one page's scripts: an injected script would have to guess them. */
export const scriptNonce = (): string => randomBytes(16).toString("base64");

/**
 * The console's Content-Security-Policy for one page: the policy every answer carries
 * (security-headers.json) and scripts only by this page's nonce. Next.js reads the nonce from the
 * request's copy of the header and puts it on every script it renders; 'strict-dynamic' lets those
 * scripts load the page's chunks. Markup that reaches the page some other way (an inline handler,
 * a script element in injected HTML) does not run. 'self' is for browsers before 'strict-dynamic',
 * which ignore it otherwise. Development mode's React rebuilds error stacks with eval.
 */
export function consoleScriptPolicy(nonce: string, dev: boolean): string {
  const scripts = `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`;
  return `${SECURITY_HEADERS[CONTENT_SECURITY_POLICY]}; ${scripts}`;
}
