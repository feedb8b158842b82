"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { Tooltip } from "radix-ui";
import { useState, type ReactNode } from "react";
import { setCsrfToken } from "@/lib/console/fetch";
import { makeQueryClient } from "@/lib/query/client";

export function ConsoleProviders({ csrfToken, children }: { csrfToken: string; children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  setCsrfToken(csrfToken);
  return (
    <QueryClientProvider client={queryClient}>
      {/* One provider for every tooltip (the exact times): moving between them skips the delay. */}
      <Tooltip.Provider delayDuration={300}>{children}</Tooltip.Provider>
    </QueryClientProvider>
  );
}
