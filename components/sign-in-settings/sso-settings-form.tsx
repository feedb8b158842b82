"use client";

import { useId, useState, type FormEvent } from "react";
import formStyles from "@/components/console/form.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { ActionButton } from "@/components/ui/action-button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { formatRoleMap, parseDomains, parseRoleMap } from "@/lib/contracts/sso";
import type { SignInSettingsDto } from "@/lib/query/sign-in-settings";
import styles from "./sign-in-settings.module.css";
import { useCheckDiscovery, useSaveSignInSettings } from "./use-sign-in-settings";

type Draft = { issuer: string; clientId: string; clientSecret: string; domains: string; roleClaim: string; roleMap: string; passwordsAllowed: boolean };

const draftOf = (settings: SignInSettingsDto): Draft => ({
  issuer: settings.issuer,
  clientId: settings.clientId,
  clientSecret: "",
  domains: settings.domains.join(", "),
  roleClaim: settings.roleClaim,
  roleMap: formatRoleMap(settings.roleMap, "\n"),
  passwordsAllowed: settings.passwordsAllowed,
});

/** The provider, who may sign in through it, the role mapping, and whether passwords still work. */
export function SsoSettingsForm({ settings }: { settings: SignInSettingsDto }) {
  const id = useId();
  const hydrated = useHydrated();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useSaveSignInSettings();
  const discovery = useCheckDiscovery();
  const set = (field: keyof Draft) => (value: string | boolean) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [field]: value }));
  };
  // Passwords go off only once SSO has worked; turning them back on is always allowed.
  const canSwitchPasswordsOff = settings.firstSignInAt !== null || !settings.passwordsAllowed;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const domains = parseDomains(draft.domains);
    if (!domains.ok) return setProblem(`Email domains: ${domains.problem}`);
    const roleMap = parseRoleMap(draft.roleMap);
    if (!roleMap.ok) return setProblem(`Role mapping: ${roleMap.problem}`);
    setProblem(null);
    const body = {
      issuer: draft.issuer,
      clientId: draft.clientId,
      domains: domains.domains,
      roleClaim: draft.roleClaim,
      roleMap: roleMap.roleMap,
      passwordsAllowed: draft.passwordsAllowed,
      ...(draft.clientSecret ? { clientSecret: draft.clientSecret } : {}),
    };
    save.mutate(body, {
      onSuccess: (next) => {
        setDraft(draftOf(next));
        setSaved(true);
      },
      onError: (error) => setProblem(errorMessage(error, { withFields: true })),
    });
  }

  const field = (name: keyof Draft, label: string, input: React.ReactNode, note?: React.ReactNode) => (
    <label className={formStyles.field} htmlFor={`${id}-${name}`}>
      <span>{label}</span>
      {input}
      {note && <span className={styles.note}>{note}</span>}
    </label>
  );
  const text = (name: Exclude<keyof Draft, "passwordsAllowed">, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <input id={`${id}-${name}`} value={draft[name]} onChange={(e) => set(name)(e.target.value)} autoComplete="off" {...props} />
  );

  return (
    <form onSubmit={onSubmit} className={`${styles.card} ${styles.stack}`} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className={styles.sectionTitle}>
        Single sign-on (OpenID Connect)
      </h2>
      <div className={styles.grid}>
        {field("issuer", "Issuer URL", text("issuer", { placeholder: "https://acme.okta.com/oauth2/default", required: true, type: "url" }))}
        {field("clientId", "Client ID", text("clientId", { required: true }))}
        {field(
          "clientSecret",
          "Client secret",
          text("clientSecret", { type: "password", placeholder: settings.clientSecretSet ? "Set — leave empty to keep it" : "Required" }),
          settings.clientSecretSet ? "A secret is set. It is never shown again; type a new one to replace it." : undefined,
        )}
        {field("domains", "Email domains", text("domains", { placeholder: "acme.example, acme-corp.example" }), "People with these addresses sign in here.")}
        {field("roleClaim", "Role claim", text("roleClaim", { placeholder: "groups" }), "The ID token claim that lists the person's groups or roles.")}
        {field(
          "roleMap",
          "Role mapping",
          <textarea
            id={`${id}-roleMap`}
            rows={4}
            value={draft.roleMap}
            onChange={(e) => set("roleMap")(e.target.value)}
            placeholder={"roster-admins=admin\nroster-helpdesk=helpdesk\nroster-auditors=auditor"}
          />,
          "One group=role per line. The highest role wins; without a mapped group, nobody new gets in. Empty: only existing admins sign in, roles stay as set in Roster.",
        )}
      </div>
      <div className={styles.row}>
        <ActionButton
          className={formStyles.secondary}
          disabled={discovery.isPending || !draft.issuer.trim()}
          onClick={() => discovery.mutate(draft.issuer.trim())}
        >
          {discovery.isPending ? "Checking…" : "Check discovery"}
        </ActionButton>
        <p role="status" className={discovery.data?.ok ? styles.ok : formStyles.error} data-testid="discovery-result">
          {discovery.data && (discovery.data.ok ? discovery.data.detail : `Discovery failed: ${discovery.data.detail}`)}
          {discovery.error && errorMessage(discovery.error, { withFields: true })}
        </p>
      </div>
      <label className={styles.check}>
        <input
          type="checkbox"
          checked={draft.passwordsAllowed}
          disabled={draft.passwordsAllowed && !canSwitchPasswordsOff}
          onChange={(e) => set("passwordsAllowed")(e.target.checked)}
        />
        <span>
          Allow password sign-in
          <span className={styles.note}>
            {canSwitchPasswordsOff
              ? " Turn off to make SSO the only way in. The CLI (sso passwords on) turns it back on if your provider fails."
              : " Can be turned off once someone has signed in through SSO."}
          </span>
        </span>
      </label>
      {problem && (
        <p role="alert" className={formStyles.error}>
          {problem}
        </p>
      )}
      {saved && (
        <p role="status" className={styles.ok}>
          Saved.
        </p>
      )}
      <div>
        <button type="submit" className={formStyles.primary} disabled={!hydrated || save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
