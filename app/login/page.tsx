import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/console/login-form";
import { currentSession } from "@/lib/console/current-session";
import styles from "./login.module.css";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

/** Only local paths, so a crafted link cannot send a fresh session to another site. */
function safeNext(next: string | string[] | undefined): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/users";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  if (await currentSession()) redirect(next);
  return (
    <main className={styles.main}>
      <section className={styles.card} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Roster</h1>
        <LoginForm next={next} />
      </section>
    </main>
  );
}
