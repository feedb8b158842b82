import type { AuditEventDto } from "@/lib/query/user-detail";
import { RelativeTime } from "@/components/ui/relative-time";
import styles from "./user-detail.module.css";

const LABELS: Record<string, string> = {
  "user.deactivate:deactivated": "Deactivated",
  "user.deactivate:already_inactive": "Deactivation requested: already inactive",
  "user.reactivate:reactivated": "Reactivated",
  "session.revoked:revoked": "Console sessions ended",
  "user.reactivate:already_active": "Reactivation requested: already active",
  "identity.link:linked": "Identity linked",
};

const ACTOR_TYPES: Record<string, string> = { admin: "console", token: "API token", system: "system", provider: "identity provider" };

/** "tokensRevoked" → "Tokens revoked"; keys come from our own audit writers. */
function detailLabel(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function detailText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function AuditHistory({ events, serverNow }: { events: AuditEventDto[] | null; serverNow: number }) {
  return (
    <section className={styles.card} aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit history</h2>
      {events === null ? (
        <p className={styles.empty}>The audit history is visible to admins and auditors.</p>
      ) : events.length === 0 ? (
        <p className={styles.empty}>Nothing has been recorded about this user yet.</p>
      ) : (
        <ol className={styles.audit} aria-label="Latest audit events, newest first">
          {events.map((event) => {
            const details = Object.entries(event.details ?? {});
            return (
              <li key={event.id} className={styles.auditItem}>
                <div className={styles.auditHead}>
                  <span className={styles.auditWhat}>{LABELS[`${event.action}:${event.outcome}`] ?? `${event.action} (${event.outcome})`}</span>
                  <RelativeTime iso={event.at} serverNow={serverNow} />
                </div>
                <div className={styles.auditMeta}>
                  by {event.actorName ?? "unknown"} ({ACTOR_TYPES[event.actorType] ?? event.actorType}) · <code>{event.action}</code>
                </div>
                {details.length > 0 && (
                  <dl className={styles.auditDetails}>
                    {details.map(([key, value]) => (
                      <div key={key}>
                        <dt>{detailLabel(key)}:</dt>
                        <dd>{detailText(value)}</dd>
                      </div>
                    ))}
                  </dl>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
