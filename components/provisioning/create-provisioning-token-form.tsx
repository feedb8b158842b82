"use client";

import { useId, useState, type FormEvent } from "react";
import { FormSubmit } from "@/components/console/form-submit";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { SelectField } from "@/components/ui/select-field";
import { useHydrated } from "@/components/ui/use-hydrated";
import { DEFAULT_SCIM_PROVIDER_NAME, PROVIDER_NAME_MAX, PROVISIONING_TOKEN_NAME_MAX } from "@/lib/contracts/provisioning";
import type { CreatedProvisioningTokenDto, ScimProviderDto } from "@/lib/query/provisioning";
import styles from "./provisioning.module.css";
import { useCreateProvisioningToken, useProvisioningOverview } from "./use-provisioning";

// The select's value for "a provider the tenant does not have yet"; provider ids are UUIDs, so it never clashes.
const NEW_PROVIDER = "new";

/** Which provider the form starts with: the default one when the tenant has it, else the first, else a new one. */
function initialChoice(providers: ScimProviderDto[]): string {
  return (providers.find((p) => p.name === DEFAULT_SCIM_PROVIDER_NAME) ?? providers[0])?.id ?? NEW_PROVIDER;
}

export function CreateProvisioningTokenForm({ onCreated }: { onCreated: (token: CreatedProvisioningTokenDto) => void }) {
  const id = useId();
  const providers = useProvisioningOverview().data?.providers ?? [];
  const [name, setName] = useState("");
  // null until the admin picks: the choice follows the provider list as it loads.
  const [picked, setPicked] = useState<string | null>(null);
  const [newProvider, setNewProvider] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const hydrated = useHydrated();
  const create = useCreateProvisioningToken();

  const choice = picked !== null && (picked === NEW_PROVIDER || providers.some((p) => p.id === picked)) ? picked : initialChoice(providers);
  const existing = providers.find((p) => p.id === choice);
  const hasDefault = providers.some((p) => p.name === DEFAULT_SCIM_PROVIDER_NAME);
  const newName = newProvider ?? (hasDefault ? "" : DEFAULT_SCIM_PROVIDER_NAME);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const provider = existing ? existing.name : newName.trim();
    if (!name.trim()) return setProblem("Give the token a name, so you can tell it apart later");
    if (!provider) return setProblem("Name the new identity provider, e.g. Okta or Entra ID");
    setProblem(null);
    create.mutate(
      { name: name.trim(), provider },
      {
        onSuccess: (token) => {
          setName("");
          setPicked(token.providerId);
          setNewProvider(null);
          onCreated(token);
        },
        onError: (error) => setProblem(errorMessage(error, { withFields: true })),
      },
    );
  }

  const providerOptions = [
    ...providers.map((p) => ({ value: p.id, label: p.name })),
    { value: NEW_PROVIDER, label: "New provider…", hint: "created with the token" },
  ];

  return (
    <form onSubmit={onSubmit} className={styles.createForm} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className={styles.sectionTitle}>
        New token
      </h2>
      <div className={styles.createRow}>
        <label className={`${formStyles.field} ${styles.field}`}>
          <span>Token name</span>
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={PROVISIONING_TOKEN_NAME_MAX}
            placeholder="e.g. Okta production"
            autoComplete="off"
            required
          />
        </label>
        {providers.length > 0 && (
          <SelectField
            id={`${id}-provider`}
            label="Identity provider"
            value={choice}
            onValueChange={setPicked}
            groups={[{ label: "Identity providers", options: providerOptions }]}
            className={styles.field}
          />
        )}
        {!existing && (
          <label className={`${formStyles.field} ${styles.field}`}>
            <span>{providers.length > 0 ? "New provider name" : "Identity provider"}</span>
            <input
              value={newName}
              onChange={(event) => setNewProvider(event.target.value)}
              maxLength={PROVIDER_NAME_MAX}
              placeholder="e.g. Okta"
              autoComplete="off"
              required
            />
          </label>
        )}
      </div>
      <p className={styles.note}>
        A token belongs to one identity provider and provisions only the users that provider created or linked.
        {!existing && " The provider is created with its first token."}
      </p>
      <FormSubmit problem={problem} hydrated={hydrated} pending={create.isPending} label="Create token" pendingLabel="Creating…" />
    </form>
  );
}
