import type { ReactNode } from "react";
import styles from "./user-detail.module.css";

export type Fact = { label: string; value: ReactNode };

const isEmpty = (value: ReactNode) => value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);

/** A definition list; empty values read "none" rather than leaving a gap. */
export function Facts({ facts }: { facts: Fact[] }) {
  return (
    <dl className={styles.facts}>
      {facts.map(({ label, value }) => (
        <div key={label} className={styles.fact}>
          <dt>{label}</dt>
          <dd>{isEmpty(value) ? <span className={styles.none}>none</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

export const list = (values: unknown): string => (Array.isArray(values) ? values.filter((v) => typeof v === "string" && v !== "").join(", ") : "");
