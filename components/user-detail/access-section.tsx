import Link from "next/link";
import type { ReactNode, RefObject } from "react";
import type { UserDetailDto } from "@/lib/query/user-detail";
import { EndSessionsDialog } from "./end-sessions-dialog";
import { UnlinkSsoDialog } from "./unlink-sso-dialog";
import { Facts } from "./facts";
import { plural } from "@/components/ui/plural";
import styles from "./user-detail.module.css";

/**
 * The user's own console access: what a deactivation would revoke. An admin may end another
 * admin's sessions here; one's own are managed on the Sessions page, which keeps the current one.
 */
export function AccessSection({
  detail,
  endSessions,
  unlinkSso,
  isSelf,
  onDone,
  focusAfterSuccess,
}: {
  detail: UserDetailDto;
  /** Whether the viewer may end this user's sessions. */
  endSessions: boolean;
  /** Whether the viewer may unlink this admin's single sign-on account. */
  unlinkSso: boolean;
  isSelf: boolean;
  onDone: (message: string) => void;
  focusAfterSuccess: RefObject<HTMLElement | null>;
}) {
  const { access } = detail;
  const sessions = plural(access.liveSessions, "open session");
  let sessionsValue: ReactNode = sessions;
  if (isSelf) {
    sessionsValue = (
      <span className={styles.actions}>
        {sessions} <Link href="/sessions">Manage your sessions</Link>
      </span>
    );
  } else if (endSessions) {
    sessionsValue = (
      <span className={styles.actions}>
        {sessions} <EndSessionsDialog detail={detail} onDone={onDone} focusAfterSuccess={focusAfterSuccess} />
      </span>
    );
  }
  const linked = access.ssoAccount;
  const ssoValue: ReactNode = linked ? (
    <span className={styles.actions}>
      {`${linked.subject} at ${linked.issuer}`}
      {unlinkSso && <UnlinkSsoDialog detail={detail} onDone={onDone} focusAfterSuccess={focusAfterSuccess} />}
    </span>
  ) : (
    "Not linked: their next SSO sign-in links the account holding their address"
  );
  return (
    <section className={styles.card} aria-labelledby="access-heading">
      <h2 id="access-heading">Console access</h2>
      {access.adminRole === null ? (
        <p className={styles.empty}>Not a console admin: no console sessions or personal access tokens.</p>
      ) : (
        <Facts
          facts={[
            { label: "Role", value: access.adminRole },
            { label: "Access tokens", value: `${plural(access.liveTokens, "live token")}` },
            { label: "Sessions", value: sessionsValue },
            { label: "Single sign-on account", value: ssoValue },
          ]}
        />
      )}
    </section>
  );
}
