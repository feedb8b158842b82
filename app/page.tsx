import Link from "next/link";
import { getDb } from "@/lib/db";
import { checkDatabase } from "@/db/client";
import { health } from "@/lib/api/endpoints/service";
import { openApiEndpoint } from "@/lib/api/registry";
import { currentSession } from "@/lib/console/current-session";
import styles from "./page.module.css";

// The status line and the sign-in state are read on every request, so the page is never prerendered.
export const dynamic = "force-dynamic";

export default async function LandingPage() {
  const database = await checkDatabase(getDb());
  const session = await currentSession();
  return (
    <main className={styles.main}>
      <section className={styles.card} aria-labelledby="title">
        <h1 id="title">Roster</h1>
        <p className={styles.lead}>
          Workforce user lifecycle for IT and security admins: look people up by email, see their contact details and linked identities, and deactivate leavers
          one at a time or in bulk, with an audit trail.
        </p>
        <p className={styles.cta}>
          {session ? (
            <>
              <Link href="/users" className={styles.button}>
                Open the console
              </Link>
              <span className={styles.signedIn}>Signed in as {session.userName}</span>
            </>
          ) : (
            <Link href="/login" className={styles.button}>
              Sign in
            </Link>
          )}
        </p>
        <h2>For automation</h2>
        <p>
          HR systems, identity providers and scripts use the same functions through REST APIs compatible with the Mendix User Identifiers and User Deactivation
          APIs, JITSudo&apos;s identities API and Delhivery OS1&apos;s User API, authenticated with personal access tokens (
          <code>npm run roster -- token create</code>). See the <Link href="/docs/api">API reference</Link> or the OpenAPI document at{" "}
          <a href={openApiEndpoint.path}>{openApiEndpoint.path}</a>.
        </p>
        <p className={styles.status} role="status">
          Service status:{" "}
          {database.ok ? (
            <span className={styles.ok}>database reachable ({database.dialect === "sqlite" ? `SQLite, ${database.journalMode} mode` : "PostgreSQL"})</span>
          ) : (
            <span className={styles.bad}>database unavailable</span>
          )}{" "}
          · <a href={health.path}>{health.path}</a>
        </p>
      </section>
    </main>
  );
}
