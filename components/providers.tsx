"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { setCsrfToken } from "@/lib/console/fetch";
import { makeQueryClient } from "@/lib/query/client";

export function ConsoleProviders({ csrfToken, children }: { csrfToken: string; children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  setCsrfToken(csrfToken);
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
