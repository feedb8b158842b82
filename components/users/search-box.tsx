"use client";

import { useEffect, useId, useState } from "react";
import styles from "./users.module.css";

const DEBOUNCE_MS = 250;

/**
 * Search as you type: the text is the input's own state (so typing is never slowed by a render
 * of the list) and reaches the URL 250 ms after the last keystroke. The input is never
 * re-mounted, so it keeps focus while results change around it.
 */
export function SearchBox({ value, onSearch, busy }: { value: string; onSearch: (query: string) => void; busy: boolean }) {
  const [text, setText] = useState(value);
  const hintId = useId();
  const pending = text.trim() !== value.trim();

  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => onSearch(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [pending, text, onSearch]);

  // Back/forward change the URL under the input: show what that entry searched for.
  useEffect(() => {
    const onPopState = () => setText(new URLSearchParams(window.location.search).get("query") ?? "");
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  return (
    <div className={styles.searchField}>
      <label htmlFor="user-search">Search by email</label>
      <div className={styles.searchInputWrap}>
        <input
          id="user-search"
          type="search"
          name="query"
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-describedby={hintId}
          autoComplete="off"
          spellCheck={false}
          placeholder="jane.doe@…"
          className={styles.searchInput}
        />
        {(busy || pending) && <span className={styles.spinner} aria-hidden="true" data-testid="search-spinner" />}
      </div>
      <span id={hintId} className={styles.hint}>
        The exact address or its beginning, in any case
      </span>
    </div>
  );
}
