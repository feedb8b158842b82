"use client";

import { useSyncExternalStore } from "react";

const TICK_MS = 30_000;

function subscribe(onTick: () => void) {
  const timer = setInterval(onTick, TICK_MS);
  return () => clearInterval(timer);
}

// Rounded so that consecutive reads agree (useSyncExternalStore wants a stable snapshot).
const snapshot = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;

/**
 * The current time, refreshed every 30 seconds. During hydration it is the server's render time,
 * so "3 hours ago" renders the same on both sides and React sees no mismatch.
 */
export function useNow(serverNow: number): number {
  return useSyncExternalStore(subscribe, snapshot, () => serverNow);
}
