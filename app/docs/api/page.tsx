import type { Metadata } from "next";
import Link from "next/link";
import { Fragment } from "react";
import { deref, document, inline, Operation, paragraphs, type Json } from "@/components/docs/api-operation";
import { openApiEndpoint } from "@/lib/api/registry";
import styles from "@/components/docs/api-reference.module.css";

export const metadata: Metadata = { title: "API reference" };

const tags = document.tags as { name: string; description: string }[];
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const entries = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));

export default function ApiReferencePage() {
  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <p>
          <Link href="/">← Roster</Link>
        </p>
        <h1>Roster API reference</h1>
        <p className={styles.lead}>{inline(String((document.info as Json).description))}</p>
        <p>
          Machine-readable: <a href={openApiEndpoint.path}>{openApiEndpoint.path}</a> (OpenAPI {document.openapi}). The examples use the shell variables{" "}
          <code>ROSTER_URL</code>, <code>ROSTER_PAT</code> (a personal access token) and <code>ROSTER_TENANT_ID</code>.
        </p>
      </header>
      <div className={styles.layout}>
        <nav className={styles.toc} aria-label="APIs and endpoints">
          <h2 className={styles.tocTitle}>On this page</h2>
          <ul>
            {tags.map((tag) => (
              <li key={tag.name}>
                <a href={`#${slug(tag.name)}`}>{tag.name}</a>
                <ul>
                  {entries
                    .filter((entry) => (entry.operation.tags as string[])[0] === tag.name && !entry.operation["x-roster-not-allowed"])
                    .map(({ path, method, operation }) => (
                      <li key={`${method} ${path}`}>
                        <a href={`#op-${operation.operationId}`}>
                          {method.toUpperCase()} {path}
                        </a>
                      </li>
                    ))}
                </ul>
              </li>
            ))}
          </ul>
        </nav>
        <main className={styles.main}>
          {tags.map((tag) => {
            const mine = entries.filter((entry) => (entry.operation.tags as string[])[0] === tag.name);
            const paths = [...new Set(mine.map((entry) => entry.path))];
            return (
              <section key={tag.name} aria-labelledby={slug(tag.name)} className={styles.group}>
                <h2 id={slug(tag.name)}>{tag.name}</h2>
                {paragraphs(tag.description)}
                {paths.map((path) => {
                  const notAllowed = mine.filter((entry) => entry.path === path && entry.operation["x-roster-not-allowed"]);
                  return (
                    <Fragment key={path}>
                      {mine
                        .filter((entry) => entry.path === path && !entry.operation["x-roster-not-allowed"])
                        .map((entry) => (
                          <Operation key={entry.method} {...entry} />
                        ))}
                      {notAllowed.length > 0 && (
                        <p className={styles.note}>
                          Other methods on <code>{path}</code> ({notAllowed.map((entry) => entry.method.toUpperCase()).join(", ")}) answer <strong>405</strong>,
                          without checking credentials:{" "}
                          {inline(String(deref((notAllowed[0]!.operation.responses as Record<string, Json>)["405"] ?? {}).description ?? ""))}.
                        </p>
                      )}
                    </Fragment>
                  );
                })}
              </section>
            );
          })}
        </main>
      </div>
    </div>
  );
}
