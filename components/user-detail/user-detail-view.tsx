"use client";

import Link from "next/link";
import { useRef, useState } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorText } from "@/components/ui/error-text";
import type { UserPagePermissions } from "@/lib/console/user-detail";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { AccessSection } from "./access-section";
import { AuditHistory } from "./audit-history";
import { ContactsSection } from "./contacts-section";
import { IdentitiesTable } from "./identities-table";
import { ProfileSection } from "./profile-section";
import { ScheduledBadge } from "./scheduled-badge";
import { DeactivateDialog, ReactivateDialog } from "./status-dialogs";
import { useUserDetail } from "./use-user-detail";
import styles from "./user-detail.module.css";
import { ActionButton } from "@/components/ui/action-button";

function refreshProblem(error: unknown): string {
  const { message, status } = errorText(error);
  if (status === 404) return "This user no longer exists in your company.";
  return `Couldn't refresh this page: ${message}`;
}

export function UserDetailView({
  id,
  initialData,
  loadedAt,
  permissions,
}: {
  id: string;
  initialData: UserDetailDto;
  loadedAt: number;
  permissions: UserPagePermissions;
}) {
  const query = useUserDetail(id, initialData, loadedAt);
  const detail = query.data;
  const { user } = detail;
  const [announcement, setAnnouncement] = useState("");
  const statusRef = useRef<HTMLParagraphElement>(null);

  // After a change the dialog's trigger may be gone: the dialog puts focus on the outcome instead.
  const announce = (message: string) => setAnnouncement(message);

  return (
    <div className={styles.page}>
      <div className={styles.topRow}>
        <nav aria-label="Breadcrumb" className={styles.breadcrumb}>
          <Link href="/users">Users</Link> <span aria-hidden="true">/</span> <span aria-current="page">{user.name}</span>
        </nav>
        <span className={styles.refreshing} aria-live="polite">
          {query.isFetching ? "Refreshing…" : ""}
        </span>
      </div>

      <header className={styles.header}>
        <div className={styles.identity}>
          <div className={styles.titleRow}>
            <h1>{user.name}</h1>
            <span className={styles.status} data-active={user.active}>
              <span className={styles.visuallyHidden}>Status: </span>
              {user.active ? "Active" : "Inactive"}
            </span>
          </div>
          <p className={styles.subtitle}>
            <span className={styles.mono}>{user.email}</span>
          </p>
          <ScheduledBadge detail={detail} mayCancel={permissions.deactivate} onDone={announce} />
        </div>
        <div className={styles.actions}>
          {permissions.deactivate && <DeactivateDialog detail={detail} showTrigger={user.active} onDone={announce} focusAfterSuccess={statusRef} />}
          {permissions.reactivate && <ReactivateDialog detail={detail} showTrigger={!user.active} onDone={announce} focusAfterSuccess={statusRef} />}
          {permissions.isSelf && user.active && <p className={styles.note}>This is your own account: you can&apos;t deactivate yourself.</p>}
        </div>
      </header>

      <p ref={statusRef} role="status" tabIndex={-1} className={announcement ? styles.announcement : styles.visuallyHidden}>
        {announcement}
      </p>
      {query.isError && (
        <div role="alert" className={styles.problem}>
          <span>{refreshProblem(query.error)}</span>
          {errorText(query.error).retryable && (
            <ActionButton className={formStyles.secondary} onClick={() => void query.refetch()} disabled={query.isFetching}>
              Try again
            </ActionButton>
          )}
        </div>
      )}

      <div className={styles.grid}>
        <ProfileSection user={user} serverNow={loadedAt} />
        <div className={styles.column}>
          <ContactsSection contacts={detail.contacts} />
          <AccessSection
            detail={detail}
            endSessions={permissions.endSessions}
            unlinkSso={permissions.unlinkSso}
            isSelf={permissions.isSelf}
            onDone={announce}
            focusAfterSuccess={statusRef}
          />
        </div>
      </div>
      <IdentitiesTable identities={detail.identities} serverNow={loadedAt} />
      <AuditHistory events={detail.audit} serverNow={loadedAt} />
    </div>
  );
}
