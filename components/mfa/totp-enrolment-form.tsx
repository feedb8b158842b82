"use client";

import { useEffect, useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { CodeField } from "./code-field";
import styles from "./mfa.module.css";

type Start = { secret: string; uri: string; qrDataUrl: string };

/**
 * Adding an authenticator app: the QR code (and the secret to type by hand), then a code from the
 * app to prove it was set up. `start` and `confirm` are the sign-in's or the Security page's requests.
 */
export function TotpEnrolmentForm<R>({
  start,
  confirm,
  onConfirmed,
  submitLabel,
}: {
  start: () => Promise<Start>;
  confirm: (body: { code: string; label: string }) => Promise<R>;
  onConfirmed: (result: R) => void;
  submitLabel: string;
}) {
  const [secret, setSecret] = useState<Start | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    let current = true;
    start().then(
      (started) => current && setSecret(started),
      (caught: unknown) => current && setError(errorMessage(caught)),
    );
    return () => {
      current = false;
    };
  }, [start]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      onConfirmed(await confirm({ code: String(form.get("code") ?? ""), label: String(form.get("label") ?? "") }));
    } catch (caught) {
      setError(errorMessage(caught));
      setPending(false);
    }
  }

  if (!secret) {
    return error ? (
      <p role="alert" className={formStyles.error}>
        {error}
      </p>
    ) : (
      <p className={styles.muted}>Preparing your authenticator secret…</p>
    );
  }
  return (
    <form method="post" onSubmit={onSubmit} className={formStyles.form} noValidate>
      <p>Scan this QR code with an authenticator app (1Password, Google Authenticator, Microsoft Authenticator, …).</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server, not an asset to optimise */}
      <img src={secret.qrDataUrl} alt="QR code for your authenticator app" className={styles.qr} width={200} height={200} />
      <p>
        Or type this key into the app:{" "}
        <code className={styles.secret} data-testid="totp-secret">
          {secret.secret}
        </code>
      </p>
      <CodeField label="6-digit code from the app" />
      <label className={formStyles.field}>
        <span>Name (optional)</span>
        <input name="label" maxLength={60} placeholder="Authenticator app" autoComplete="off" />
      </label>
      {error && (
        <p role="alert" className={formStyles.error}>
          {error}
        </p>
      )}
      <button type="submit" className={formStyles.primary} disabled={pending}>
        {pending ? "Checking…" : submitLabel}
      </button>
    </form>
  );
}
