import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/console/login-form";
import { SsoSignIn } from "@/components/console/sso-sign-in";
import { currentSession } from "@/lib/console/current-session";
import { safeNextPath } from "@/lib/contracts/session";
import { ssoErrorMessage } from "@/lib/contracts/sso";
import styles from "./login.module.css";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

// Any origin serves: only whether `next` stays on it matters (a crafted link must not send a fresh session elsewhere).
const ORIGIN = "http://roster.local";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next, ORIGIN);
  if (await currentSession()) redirect(next);
  // Only a fixed message per known code: the link's text is never shown.
  const ssoError = ssoErrorMessage(params.sso_error);
  return (
    <main className={styles.main}>
      <section className={styles.card} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Roster</h1>
        <LoginForm next={next} />
        <p className={styles.or}>or</p>
        <SsoSignIn next={next} error={ssoError} />
      </section>
    </main>
  );
}
