"use client";

import { useQuery } from "@tanstack/react-query";
import { ToggleGroup } from "radix-ui";
import { useId } from "react";
import { useHydrated } from "@/components/ui/use-hydrated";
import { departmentsQueryOptions, type UserFilters, type UserListStatus } from "@/lib/query/users";
import styles from "./users.module.css";
import { ActionButton } from "@/components/ui/action-button";

const STATUS_LABELS: Record<UserListStatus, string> = { all: "All", active: "Active", inactive: "Inactive" };

export function UserFiltersBar({ filters, onChange }: { filters: UserFilters; onChange: (patch: Partial<UserFilters>) => void }) {
  const statusLabelId = useId();
  const departments = useQuery(departmentsQueryOptions());
  const options = departments.data ?? [];
  // A department named in the URL stays selectable while the list loads (or if it is gone).
  const shown = filters.department && !options.includes(filters.department) ? [filters.department, ...options] : options;
  const filtered = filters.status !== "all" || filters.department !== "";
  // Server-rendered: until React runs, a choice would do nothing.
  const hydrated = useHydrated();

  return (
    <div className={styles.filters}>
      <div className={styles.filterField}>
        <span id={statusLabelId}>Status</span>
        <ToggleGroup.Root
          type="single"
          value={filters.status}
          // Clicking the pressed item would clear the group: a status is always chosen.
          onValueChange={(value) => value && onChange({ status: value as UserListStatus, page: 1 })}
          aria-labelledby={statusLabelId}
          className={styles.toggleGroup}
          disabled={!hydrated}
        >
          {(Object.keys(STATUS_LABELS) as UserListStatus[]).map((status) => (
            <ToggleGroup.Item key={status} value={status} className={styles.toggleItem}>
              {STATUS_LABELS[status]}
            </ToggleGroup.Item>
          ))}
        </ToggleGroup.Root>
      </div>
      <div className={styles.filterField}>
        <label htmlFor="user-department">Department</label>
        <select
          id="user-department"
          disabled={!hydrated}
          value={filters.department}
          onChange={(event) => onChange({ department: event.target.value, page: 1 })}
          className={styles.select}
        >
          <option value="">{departments.isPending ? "All departments (loading…)" : "All departments"}</option>
          {shown.map((department) => (
            <option key={department} value={department}>
              {department}
            </option>
          ))}
        </select>
        {departments.isError && <span className={styles.hint}>Could not load the list of departments</span>}
      </div>
      {/* Hidden rather than removed while nothing is filtered, so that showing it moves nothing. */}
      <ActionButton
        className={filtered ? styles.linkButton : `${styles.linkButton} ${styles.reserved}`}
        onClick={() => onChange({ status: "all", department: "", page: 1 })}
      >
        Clear filters
      </ActionButton>
    </div>
  );
}
