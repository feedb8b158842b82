"use client";

import { SessionList } from "./session-list";
import styles from "./sessions.module.css";

export function SessionsView({ serverNow }: { serverNow: number }) {
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <h1>Your sessions</h1>
        <p className={styles.muted}>
          Every browser where you are signed in to the console. Sign out any you do not recognise or no longer use: it goes to the sign-in page on its next
          click. A session also ends when it goes unused for a while, and when you sign in again in the same browser.
        </p>
      </header>
      <SessionList serverNow={serverNow} />
    </div>
  );
}
