"use client";

import { useSyncExternalStore } from "react";

const TICK_MS = 15_000;

function subscribe(onTick: () => void) {
  const timer = setInterval(onTick, TICK_MS);
  return () => clearInterval(timer);
}

// Rounded so that consecutive reads agree, as useSyncExternalStore requires; rounded up, so that
// something the server stamped a moment ago never reads as "in a moment".
const snapshot = () => Math.ceil(Date.now() / TICK_MS) * TICK_MS;

/**
 * The current time, refreshed every 15 s so "2 minutes ago" keeps counting. During the server
 * render and hydration it is `serverNow` (the time the server rendered the page, so both sides
 * write the same text), or null when the caller has none: then there is nothing to compare with yet.
 */
export function useNow(serverNow?: number): number | null {
  return useSyncExternalStore(subscribe, snapshot, () => serverNow ?? null);
}
