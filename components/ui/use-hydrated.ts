"use client";

import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * False during the server render and hydration, true afterwards. Times are formatted in the
 * browser's time zone and locale, which the server does not know: rendering them only after
 * hydration avoids a mismatch between the two renders. Submit buttons wait for it too, so that
 * a click before the script runs cannot submit the form natively (as a GET, fields in the URL).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
