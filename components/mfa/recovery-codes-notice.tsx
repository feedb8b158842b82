"use client";

import formStyles from "@/components/console/form.module.css";
import { useClipboard } from "@/components/ui/use-clipboard";
import styles from "./mfa.module.css";

/** New recovery codes, shown once: each signs in once when the second factor is out of reach. */
export function RecoveryCodesNotice({ codes, onDone, doneLabel }: { codes: string[]; onDone?: () => void; doneLabel?: string }) {
  const clipboard = useClipboard();
  return (
    <div className={styles.step} data-testid="recovery-codes">
      <p>
        <strong>Save these recovery codes now.</strong> You won&apos;t see them again. Each one signs you in once if you lose your authenticator.
      </p>
      <ol className={styles.codes} aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className={styles.row}>
        <button type="button" className={formStyles.secondary} onClick={() => void clipboard.copy(codes.join("\n"))}>
          {clipboard.state === "copied" ? "Copied" : clipboard.state === "failed" ? "Copy failed: select them instead" : "Copy codes"}
        </button>
        {onDone && (
          <button type="button" className={formStyles.primary} onClick={onDone} autoFocus>
            {doneLabel ?? "I have saved them"}
          </button>
        )}
      </div>
    </div>
  );
}
