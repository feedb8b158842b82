/**
 * What a correct password leads to (docs/decisions/0022): a session, a second-factor challenge,
 * or the enrolment of a first factor. An admin who enrolled a factor is always asked for one,
 * whatever the tenant's policy; under the policy ("MFA required for admins") an admin without one
 * must enrol before any session opens.
 */
export type SecondFactorStep = "none" | "challenge" | "enrol";

export function secondFactorStep(account: { tenantRequiresMfa: boolean; factorCount: number }): SecondFactorStep {
  if (account.factorCount > 0) return "challenge";
  return account.tenantRequiresMfa ? "enrol" : "none";
}
