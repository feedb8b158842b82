"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { StepUpProvider } from "@/components/step-up/step-up-provider";
import { setCsrfToken } from "@/lib/console/fetch";
import { makeQueryClient } from "@/lib/query/client";

export function ConsoleProviders({ csrfToken, children }: { csrfToken: string; children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  // Only when the layout hands a new one: a step-up replaces the token in between, and a re-render
  // with the token the page was served with must not put the old one back.
  const [applied, setApplied] = useState<string | null>(null);
  if (applied !== csrfToken) {
    setCsrfToken(csrfToken);
    setApplied(csrfToken);
  }
  return (
    <QueryClientProvider client={queryClient}>
      <StepUpProvider>{children}</StepUpProvider>
    </QueryClientProvider>
  );
}
