"use client";

import formStyles from "@/components/console/form.module.css";
import { Announcement, useAnnouncer } from "@/components/ui/announcement";
import { DataTable } from "@/components/ui/data-table";
import { ListBody, ListHeader } from "@/components/ui/list-card";
import { RelativeTime } from "@/components/ui/relative-time";
import { ActionButton } from "@/components/ui/action-button";
import type { ConsoleSessionDto } from "@/lib/query/sessions";
import { browserName } from "./browser-name";
import styles from "./sessions.module.css";
import { SignOutOthersDialog, SignOutSessionDialog, type Announce } from "./sign-out-dialogs";
import { useSessionList } from "./use-sessions";

function SessionRow({ session, serverNow, ...announce }: { session: ConsoleSessionDto; serverNow: number } & Announce) {
  const name = browserName(session);
  const signOut = (
    <ActionButton className={styles.signOutButton} aria-label={session.current ? "Sign out this session" : `Sign out ${name}`}>
      Sign out
    </ActionButton>
  );
  return (
    <tr aria-current={session.current || undefined}>
      <th scope="row" className={styles.browserCell}>
        {name}
        {session.current && <span className={styles.badge}>This session</span>}
      </th>
      <td data-label="Address">
        {session.clientAddress ? <span className={styles.address}>{session.clientAddress}</span> : <span className={styles.muted}>unknown</span>}
      </td>
      <td data-label="Signed in">
        <RelativeTime iso={session.createdAt} serverNow={serverNow} />
      </td>
      <td data-testid="last-seen" data-label="Last seen">
        {/* The current session is in use right now; its recorded last use lags by up to a minute. */}
        {session.current ? <span className={styles.muted}>now</span> : <RelativeTime iso={session.lastSeenAt} serverNow={serverNow} />}
      </td>
      <td className={styles.actionCell}>
        <SignOutSessionDialog session={session} trigger={signOut} {...announce} />
      </td>
    </tr>
  );
}

/** The signed-in admin's open sessions, each with Sign out, and Sign out all the others. */
export function SessionList({ serverNow }: { serverNow: number }) {
  const sessions = useSessionList();
  const { message, announce, focusRef } = useAnnouncer();
  const others = sessions.data?.filter((session) => !session.current).length ?? 0;

  const othersTrigger = <ActionButton className={formStyles.secondary}>Sign out all other sessions</ActionButton>;

  return (
    <>
      <Announcement message={message} focusRef={focusRef} />
      <section aria-labelledby="session-list-title" className={styles.card}>
        <ListHeader titleId="session-list-title" title="Signed-in browsers" query={sessions}>
          <div className={styles.listActions}>
            <SignOutOthersDialog others={others} trigger={others > 0 ? othersTrigger : undefined} onDone={announce} focusAfterSuccess={focusRef} />
          </div>
        </ListHeader>
        <ListBody query={sessions} items={sessions.data} what="your sessions" empty="No session of yours is open. Reload the page to sign in again.">
          {(items) => (
            <DataTable
              className={styles.table}
              wrapClassName={styles.tableWrap}
              columns={["Browser", "Address", "Signed in", "Last seen", { label: <span className={styles.visuallyHidden}>Actions</span> }]}
            >
              {items.map((session) => (
                <SessionRow key={session.id} session={session} serverNow={serverNow} onDone={announce} focusAfterSuccess={focusRef} />
              ))}
            </DataTable>
          )}
        </ListBody>
      </section>
    </>
  );
}
