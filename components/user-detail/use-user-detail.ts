"use client";

import { useQuery } from "@tanstack/react-query";
import { userDetailQuery, type UserDetailDto } from "@/lib/query/user-detail";

/** The user page's data: the server's first paint as initial data, then react-query keeps it fresh. */
export function useUserDetail(id: string, initialData: UserDetailDto, loadedAt: number) {
  return useQuery({ ...userDetailQuery(id), initialData, initialDataUpdatedAt: loadedAt });
}
