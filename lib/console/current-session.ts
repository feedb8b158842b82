import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { readSession, SESSION_COOKIE, type ConsolePrincipal } from "@/lib/auth/session";

/** For server components: the signed-in admin, or a redirect to the sign-in page. */
export async function requireSession(): Promise<ConsolePrincipal> {
  const session = await readSession(getDb(), (await cookies()).get(SESSION_COOKIE)?.value);
  if (!session) redirect("/login");
  return session;
}

export async function currentSession(): Promise<ConsolePrincipal | null> {
  return readSession(getDb(), (await cookies()).get(SESSION_COOKIE)?.value);
}
