"use client";

import { useSyncExternalStore } from "react";

const never = () => () => {};

export type OriginUrl = { url: string; complete: boolean };

/**
 * A URL an identity provider is given (the SCIM base URL, the SSO redirect URI): this console's
 * origin (as the admin reaches it, through whatever proxy) and the path. The server does not know
 * that origin: until hydration the path alone is shown, and `complete` is false.
 */
export function useOriginUrl(basePath: string): OriginUrl {
  const origin = useSyncExternalStore(
    never,
    () => window.location.origin,
    () => null,
  );
  return origin === null ? { url: basePath, complete: false } : { url: `${origin}${basePath}`, complete: true };
}
