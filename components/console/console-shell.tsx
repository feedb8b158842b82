"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { ActionButton } from "@/components/ui/action-button";
import { consoleFetch } from "@/lib/console/fetch";
import { sessionContracts } from "@/lib/contracts/session";
import styles from "./console-shell.module.css";

export type ShellSession = { name: string; email: string; role: "admin" | "helpdesk" | "auditor"; tenantName: string };

const NAV = [
  { href: "/users", label: "Users", roles: ["admin", "helpdesk", "auditor"] },
  { href: "/tokens", label: "Tokens", roles: ["admin", "helpdesk", "auditor"] },
  { href: "/sessions", label: "Sessions", roles: ["admin", "helpdesk", "auditor"] },
  { href: "/security", label: "Security", roles: ["admin", "helpdesk", "auditor"] },
  { href: "/audit", label: "Audit log", roles: ["admin", "auditor"] },
  { href: "/leavers", label: "Leavers", roles: ["admin"] },
  { href: "/scheduled", label: "Scheduled", roles: ["admin", "helpdesk", "auditor"] },
  { href: "/provisioning", label: "Provisioning", roles: ["admin"] },
  { href: "/webhooks", label: "Webhooks", roles: ["admin"] },
  { href: "/settings/sign-in", label: "Sign-in", roles: ["admin"] },
  { href: "/docs/api", label: "API reference", roles: ["admin", "helpdesk", "auditor"] },
] as const;

export function ConsoleShell({ session, children }: { session: ShellSession; children: ReactNode }) {
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await consoleFetch(sessionContracts.signOut, {});
    } finally {
      // A full page load, so the signed-out browser keeps no cached console data.
      window.location.assign(new URL("/login", window.location.origin).href);
    }
  }

  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skip}>
        Skip to content
      </a>
      <header className={styles.header}>
        <Link href="/users" className={styles.brand}>
          Roster <span className={styles.tenant}>{session.tenantName}</span>
        </Link>
        <nav aria-label="Console" className={styles.nav}>
          {NAV.filter((item) => (item.roles as readonly string[]).includes(session.role)).map((item) => (
            <Link key={item.href} href={item.href} aria-current={pathname.startsWith(item.href) ? "page" : undefined} className={styles.navLink}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div className={styles.account}>
          <span title={session.email}>
            {session.name} <span className={styles.role}>{session.role}</span>
          </span>
          <ActionButton onClick={signOut} disabled={signingOut} className={styles.signOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </ActionButton>
        </div>
      </header>
      <main id="main" className={styles.main}>
        {children}
      </main>
    </div>
  );
}
