"use client";

import { useState } from "react";

export type CopyState = "idle" | "copied" | "failed";

/** Copies text to the clipboard and remembers how that went, for a status line beside the button. */
export function useClipboard() {
  const [state, setState] = useState<CopyState>("idle");
  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }
  return { state, copy, reset: () => setState("idle") };
}
