"use client";

import { Checkbox } from "radix-ui";
import { useId, useState, type FormEvent } from "react";
import { FormSubmit } from "@/components/console/form-submit";
import formStyles from "@/components/console/form.module.css";
import type { Scope, TokenExpiry } from "@/lib/contracts/tokens";
import { errorMessage } from "@/components/ui/error-text";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { CreatedTokenDto } from "@/lib/query/tokens";
import { EXPIRY_LABELS, NO_EXPIRY, SCOPE_LABELS, scopeLabel } from "./scope-labels";
import { SelectField } from "@/components/ui/select-field";
import styles from "./tokens.module.css";
import { useCreateToken } from "./use-tokens";

const EXPIRY_OPTIONS = [
  ...Object.entries(EXPIRY_LABELS).map(([value, label]) => ({ value, label })),
  { value: NO_EXPIRY, label: "Never", hint: "not recommended" },
];

export function CreateTokenForm({ role, allowedScopes, onCreated }: { role: string; allowedScopes: Scope[]; onCreated: (token: CreatedTokenDto) => void }) {
  const id = useId();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState<string>("30d");
  const [problem, setProblem] = useState<string | null>(null);
  const hydrated = useHydrated();
  const create = useCreateToken();
  const withheld = (Object.keys(SCOPE_LABELS) as Scope[]).filter((scope) => !allowedScopes.includes(scope));

  function toggle(scope: string, checked: boolean) {
    setScopes((current) => (checked ? [...current, scope] : current.filter((s) => s !== scope)));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return setProblem("Give the token a name, so you can tell it apart later");
    if (scopes.length === 0) return setProblem("Choose at least one scope");
    setProblem(null);
    const ordered = allowedScopes.filter((scope) => scopes.includes(scope));
    create.mutate(
      { name: name.trim(), scopes: ordered, expiresIn: expiry === NO_EXPIRY ? null : (expiry as TokenExpiry) },
      {
        onSuccess: (token) => {
          setName("");
          setScopes([]);
          setExpiry("30d");
          onCreated(token);
        },
        onError: (error) => setProblem(errorMessage(error, { withFields: true })),
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className={styles.createForm} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className={styles.sectionTitle}>
        Create a token
      </h2>
      <div className={styles.createRow}>
        <label className={`${formStyles.field} ${styles.nameField}`}>
          <span>Name</span>
          <input value={name} onChange={(event) => setName(event.target.value)} maxLength={100} placeholder="e.g. HR sync job" autoComplete="off" required />
        </label>
        <SelectField
          id={`${id}-expiry`}
          label="Expires after"
          value={expiry}
          onValueChange={setExpiry}
          groups={[{ label: "Expiry", options: EXPIRY_OPTIONS }]}
          className={styles.expiryField}
        />
      </div>
      <fieldset className={styles.scopes}>
        <legend>Scopes</legend>
        <div className={styles.scopeGrid}>
          {allowedScopes.map((scope) => (
            <div key={scope} className={styles.scopeOption}>
              <Checkbox.Root
                id={`${id}-${scope}`}
                className={styles.checkbox}
                checked={scopes.includes(scope)}
                disabled={!hydrated}
                onCheckedChange={(checked) => toggle(scope, checked === true)}
              >
                <Checkbox.Indicator className={styles.checkIndicator}>✓</Checkbox.Indicator>
              </Checkbox.Root>
              <label htmlFor={`${id}-${scope}`}>
                <span className={styles.scopeLabel}>{scopeLabel(scope)}</span>
                <code className={styles.scopeName}>{scope}</code>
              </label>
            </div>
          ))}
        </div>
        {withheld.length > 0 && (
          <p className={styles.note}>
            Your role ({role}) cannot grant {withheld.map((scope) => scopeLabel(scope).toLowerCase()).join(" or ")}.
          </p>
        )}
      </fieldset>
      <FormSubmit problem={problem} hydrated={hydrated} pending={create.isPending} label="Create token" pendingLabel="Creating…" />
    </form>
  );
}
