"use client";

import formStyles from "@/components/console/form.module.css";
import styles from "./mfa.module.css";

/** A one-time code input: numeric keypad on phones, the browser's one-time-code autofill, focus on arrival. */
export function CodeField({ label, name = "code", kind = "totp" }: { label: string; name?: string; kind?: "totp" | "recovery" }) {
  return (
    <label className={formStyles.field}>
      <span>{label}</span>
      <input
        name={name}
        className={styles.code}
        autoComplete="one-time-code"
        inputMode={kind === "totp" ? "numeric" : "text"}
        pattern={kind === "totp" ? "[0-9 ]*" : undefined}
        maxLength={20}
        spellCheck={false}
        autoCapitalize="off"
        required
        autoFocus
      />
    </label>
  );
}
