"use client";

import type { ReactNode } from "react";
import formStyles from "@/components/console/form.module.css";
import { useClipboard } from "@/components/ui/use-clipboard";
import type { OriginUrl } from "@/components/ui/use-origin-url";
import styles from "./copyable-url-card.module.css";

type CopyableUrlCardProps = {
  /** Prefix of the heading's id, which labels the section. */
  id: string;
  title: string;
  /** Where the URL goes, in the words of the systems it is pasted into. */
  children: ReactNode;
  url: OriginUrl;
  testId: string;
  copyLabel: string;
};

/** A URL to paste into another system (an identity provider's settings), with a copy button and its outcome. */
export function CopyableUrlCard({ id, title, children, url, testId, copyLabel }: CopyableUrlCardProps) {
  const clipboard = useClipboard();
  return (
    <section aria-labelledby={`${id}-title`} className={styles.card}>
      <h2 id={`${id}-title`} className={styles.title}>
        {title}
      </h2>
      <p className={styles.muted}>{children}</p>
      <div className={styles.copyRow}>
        <code className={styles.copyValue} data-testid={testId} aria-label={title}>
          {url.url}
        </code>
        <button type="button" className={formStyles.secondary} disabled={!url.complete} onClick={() => clipboard.copy(url.url)}>
          {clipboard.state === "copied" ? "Copied" : copyLabel}
        </button>
      </div>
      <p role="status" className={`${styles.copyStatus} ${clipboard.state === "failed" ? formStyles.error : styles.muted}`}>
        {clipboard.state === "copied" && "Copied to the clipboard."}
        {clipboard.state === "failed" && "Could not copy: select the URL and copy it yourself."}
      </p>
    </section>
  );
}
