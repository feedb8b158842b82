"use client";

import { useState } from "react";
import type { CreatedTokenDto } from "@/lib/query/tokens";
import { CreateTokenForm } from "./create-token-form";
import { TokenList } from "./token-list";
import { TokenSecretDialog } from "./token-secret-dialog";
import styles from "./tokens.module.css";
import type { Scope } from "@/lib/contracts/tokens";

export function TokensView({ role, tenantId, allowedScopes }: { role: string; tenantId: string; allowedScopes: Scope[] }) {
  // The secret lives only here, and only until the dialog is closed.
  const [created, setCreated] = useState<CreatedTokenDto | null>(null);
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <h1>Access tokens</h1>
        <p className={styles.muted}>
          Personal access tokens let scripts call Roster&apos;s APIs as you. A token can do at most what your role allows, and stops working when you revoke it,
          when it expires, or when your account is deactivated.
        </p>
      </header>
      <section className={styles.card}>
        <CreateTokenForm role={role} allowedScopes={allowedScopes} onCreated={setCreated} />
      </section>
      <TokenList />
      <TokenSecretDialog token={created} tenantId={tenantId} onClose={() => setCreated(null)} />
    </div>
  );
}
