"use client";

import { MfaPolicyCard } from "@/components/mfa/mfa-policy-card";
import { useMfaOverview } from "@/components/mfa/use-mfa";
import { RelativeTime } from "@/components/ui/relative-time";
import { RedirectUriCard } from "./redirect-uri-card";
import { SsoSettingsForm } from "./sso-settings-form";
import styles from "./sign-in-settings.module.css";
import { useSignInSettings } from "./use-sign-in-settings";

/** The page for admins: how the tenant's admins sign in. */
export function SignInSettingsView() {
  const settings = useSignInSettings().data;
  const mfa = useMfaOverview().data;
  return (
    <div className={styles.page}>
      <header className={styles.pageHeader}>
        <h1>Sign-in</h1>
        <p className={styles.muted}>
          Let your admins sign in through your identity provider (OpenID Connect: Okta, Microsoft Entra ID, Keycloak…). People whose work email is in one of
          your domains choose &ldquo;Sign in with SSO&rdquo;; their groups decide their Roster role.
        </p>
      </header>
      <RedirectUriCard />
      {settings && (
        <section aria-labelledby="sso-status-title" className={`${styles.card} ${styles.stack}`}>
          <h2 id="sso-status-title" className={styles.sectionTitle}>
            Status
          </h2>
          <dl className={styles.facts}>
            <dt>Single sign-on</dt>
            <dd data-testid="sso-status">{settings.configured ? (settings.domains.length ? "Set up" : "Set up, but no email domain yet") : "Not set up"}</dd>
            <dt>First SSO sign-in</dt>
            <dd>{settings.firstSignInAt ? <RelativeTime iso={settings.firstSignInAt} /> : "Not yet"}</dd>
            <dt>Passwords</dt>
            <dd data-testid="sso-passwords">{settings.passwordsAllowed ? "Allowed" : "Off: admins sign in through SSO only"}</dd>
          </dl>
        </section>
      )}
      {mfa && (
        <section aria-labelledby="mfa-policy-title" className={`${styles.card} ${styles.stack}`}>
          <h2 id="mfa-policy-title" className={styles.sectionTitle}>
            Multi-factor authentication
          </h2>
          <MfaPolicyCard policy={mfa.policy} />
        </section>
      )}
      {settings && <SsoSettingsForm settings={settings} />}
    </div>
  );
}
