"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type DragEvent, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorText } from "@/components/ui/error-text";
import { useHydrated } from "@/components/ui/use-hydrated";
import { MAX_LEAVER_FILE_BYTES, uploadLeaverFile } from "@/lib/query/leavers";
import { formatBytes } from "./labels";
import styles from "./leavers.module.css";

/** What is wrong with a file before it is sent, or null. */
function precheck(file: File): string | null {
  if (file.size === 0) return "The file is empty. Choose a CSV file with a header row and one row per leaver.";
  if (file.size > MAX_LEAVER_FILE_BYTES) return `The file is ${formatBytes(file.size)}, more than the limit of 20 MB. Split it into smaller files.`;
  return null;
}

/** The server names what is wrong with the file in `details.file` when it can. */
function describe(error: unknown): string {
  const { message, fields } = errorText(error);
  return fields.file ?? message;
}

export function UploadForm({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const inputId = useId();
  const hintId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const hydrated = useHydrated();
  const [dragging, setDragging] = useState(false);
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadLeaverFile(chosen, csrfToken),
    onSuccess: (preview) => router.push(`/leavers?preview=${encodeURIComponent(preview.id)}`),
  });

  function choose(chosen: File | null | undefined) {
    upload.reset();
    setFile(chosen ?? null);
    setProblem(chosen ? precheck(chosen) : null);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const files = event.dataTransfer.files;
    if (files.length > 1) {
      setFile(null);
      setProblem("Drop one file at a time.");
      return;
    }
    choose(files[0]);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!file) return setProblem("Choose a CSV file first.");
    const issue = precheck(file);
    if (issue) return setProblem(issue);
    upload.mutate(file);
  }

  const message = problem ?? (upload.isError ? describe(upload.error) : null);
  return (
    <section className={styles.card} aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`} className={styles.sectionTitle}>
        1. Upload a leaver file
      </h2>
      <form onSubmit={onSubmit} className={formStyles.form} noValidate>
        <div
          className={styles.dropZone}
          data-dragging={dragging}
          data-testid="drop-zone"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <label htmlFor={inputId}>Leaver CSV file</label>
          <input id={inputId} type="file" accept=".csv,text/csv" aria-describedby={hintId} onChange={(event) => choose(event.target.files?.[0])} />
          <p id={hintId} className={`${styles.muted} ${styles.small}`} style={{ margin: 0 }}>
            Drag the file here or choose it. A header row with an <code>email</code> column (any case), optionally <code>reason</code> and <code>ticket</code>;
            comma or semicolon separated; at most 100,000 rows and 20 MB.
          </p>
          {file && (
            <p className={styles.fileFacts} style={{ margin: 0 }} data-testid="chosen-file">
              {file.name} · {formatBytes(file.size)}
            </p>
          )}
        </div>
        {message && (
          <div role="alert" className={styles.errorBox}>
            <p>{message}</p>
          </div>
        )}
        <div className={styles.actions}>
          <button type="submit" className={formStyles.primary} disabled={!hydrated || upload.isPending || upload.isSuccess}>
            {upload.isPending || upload.isSuccess ? "Checking every row…" : "Upload and preview"}
          </button>
          <span className={`${styles.muted} ${styles.small}`}>Nothing changes until you confirm the preview.</span>
        </div>
      </form>
    </section>
  );
}
