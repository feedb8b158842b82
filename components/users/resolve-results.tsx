"use client";

import { useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import type { ResolveResult } from "@/lib/query/users";
import { resolveCsv } from "./resolve-csv";
import styles from "./paste.module.css";

const fmt = (n: number) => n.toLocaleString("en-US");

function download(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next tick: the download has taken its copy by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ResolveResults({ result }: { result: ResolveResult }) {
  const [notice, setNotice] = useState("");

  async function copyUuids() {
    const ids = result.found.map((user) => user.id);
    try {
      await navigator.clipboard.writeText(ids.join("\n"));
      setNotice(`Copied ${fmt(ids.length)} ${ids.length === 1 ? "UUID" : "UUIDs"}`);
    } catch {
      setNotice("Could not copy: the browser refused access to the clipboard");
    }
  }

  async function downloadCsv() {
    download(await resolveCsv(result), "resolved-users.csv");
    setNotice("CSV downloaded");
  }

  return (
    <section aria-label="Result" className={styles.results}>
      <div className={styles.resultBar}>
        <p className={styles.counts} role="status">
          {fmt(result.found.length)} found · {fmt(result.notFound.length)} not found
        </p>
        <div className={styles.actions}>
          <button type="button" className={styles.secondary} onClick={copyUuids} disabled={result.found.length === 0}>
            Copy UUIDs
          </button>
          <button type="button" className={styles.secondary} onClick={downloadCsv}>
            Download CSV
          </button>
        </div>
      </div>
      <p className={styles.notice} aria-live="polite">
        {notice}
      </p>
      <DataTable region="Resolved emails" columns={["Email", "Name", "UUID", "Status"]} className={styles.table} wrapClassName={styles.tableWrap}>
        {result.found.map((user) => (
          <tr key={user.id}>
            <td className={styles.email}>{user.email}</td>
            <td className={styles.name}>{user.name}</td>
            <td className={styles.uuid}>{user.id}</td>
            <td>
              <span className={user.active ? styles.badgeActive : styles.badgeInactive}>{user.active ? "Active" : "Inactive"}</span>
            </td>
          </tr>
        ))}
        {result.notFound.map((email) => (
          <tr key={`missing:${email}`} className={styles.missing}>
            <td className={styles.email}>{email}</td>
            <td colSpan={2} className={styles.muted}>
              No user with this email
            </td>
            <td>
              <span className={styles.badgeMissing}>Not found</span>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
