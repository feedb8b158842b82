"use client";

import type { ComponentProps } from "react";
import { useHydrated } from "./use-hydrated";

/**
 * A `type="button"` whose only effect is its script (a handler, or a dialog trigger it is the child
 * of): disabled until hydration, so a click on the server-rendered page is refused visibly instead
 * of being swallowed while the script loads. Props (a trigger's ref and handlers too) pass through.
 */
export function ActionButton({ disabled, ...props }: Omit<ComponentProps<"button">, "type">) {
  const hydrated = useHydrated();
  return <button type="button" {...props} disabled={!hydrated || disabled} />;
}
