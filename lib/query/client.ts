import { QueryClient } from "@tanstack/react-query";

/** One QueryClient per browser tab (and a new one per server render), as TanStack recommends for the App Router. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => count < 2 && !(error instanceof Error && "status" in error && Number(error.status) < 500),
      },
    },
  });
}
