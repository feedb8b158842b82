import type { UserDetailDto } from "@/lib/query/user-detail";
import { Facts } from "./facts";
import { plural } from "@/components/ui/plural";
import styles from "./user-detail.module.css";

/** The user's own console access: what a deactivation would revoke. */
export function AccessSection({ access }: { access: UserDetailDto["access"] }) {
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
            { label: "Sessions", value: `${plural(access.liveSessions, "open session")}` },
          ]}
        />
      )}
    </section>
  );
}
