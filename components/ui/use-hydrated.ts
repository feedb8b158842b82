"use client";

import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * False during the server render and hydration, true afterwards. Times are formatted in the
 * browser's time zone and locale, which the server does not know: rendering them only after
 * hydration avoids a mismatch between the two renders.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}

const TICK_MS = 15_000;
const subscribeToClock = (onChange: () => void) => {
  const timer = setInterval(onChange, TICK_MS);
  return () => clearInterval(timer);
};
// Rounded so that the snapshot stays the same between ticks, as useSyncExternalStore requires;
// rounded up, so that something that just happened never reads as "in a moment".
const clockSnapshot = () => Math.ceil(Date.now() / TICK_MS) * TICK_MS;

/** The current time, updated every 15 s, so "2 minutes ago" keeps counting. */
export function useNow(): number {
  return useSyncExternalStore(subscribeToClock, clockSnapshot, () => 0);
}
