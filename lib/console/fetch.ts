"use client";

/** An error answered by a console endpoint, in the JITSudo shape `{code, message, details?}`. */
export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

let csrfToken = "";
/** Set once by the console layout from the session; sent on every mutation. */
export function setCsrfToken(token: string) {
  csrfToken = token;
}

export async function consoleFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = init.method ?? "GET";
  const response = await fetch(path, {
    method,
    signal: init.signal,
    headers: {
      ...(init.body !== undefined && { "content-type": "application/json" }),
      ...(method !== "GET" && { "x-csrf-token": csrfToken }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  if (response.status === 401 && typeof window !== "undefined" && !path.endsWith("/session")) {
    // A full page load (not a client navigation), so no signed-in state survives in memory.
    window.location.assign(new URL(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, window.location.origin).href);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // fall through: reported below as an unexpected answer
  }
  if (!response.ok) {
    const error = (body ?? {}) as { code?: string; message?: string; details?: Record<string, string> };
    throw new ConsoleApiError(response.status, error.code ?? "error", error.message ?? `Request failed (${response.status})`, error.details);
  }
  return body as T;
}
