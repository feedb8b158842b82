import type { SelectGroup, SelectOption } from "@/components/ui/select-field";

export const ANY_ACTION = "any";
export const OTHER_ACTION = "other";

/** Every action under a prefix ("user." matches user.deactivate, user.reactivate, …). */
const under = (prefix: string, label: string): SelectOption => ({ value: `${prefix}.`, label, hint: `${prefix}.*` });
/** One action, shown with its recorded name. */
const action = (value: string, label: string): SelectOption => ({ value, label, hint: value });

/**
 * The actions Roster records today, for the action filter; anything else (new actions, other
 * prefixes) can be typed under "Other". A value ending in "." matches every action below it.
 */
export const ACTION_GROUPS: SelectGroup[] = [
  { label: "Any", options: [{ value: ANY_ACTION, label: "Any action" }] },
  {
    label: "Groups",
    options: [
      under("user", "All user changes"),
      under("token", "All token changes"),
      under("session", "All console sign-ins and sessions"),
      under("identity", "All identity changes"),
      under("admin", "All admin changes"),
    ],
  },
  {
    label: "Actions",
    options: [
      action("user.deactivate", "User deactivated"),
      action("user.reactivate", "User reactivated"),
      action("identity.link", "Identity linked"),
      action("token.created", "Token created"),
      action("token.revoked", "Token revoked"),
      action("session.sign_in", "Console sign-in"),
      action("session.stepped_up", "Console step-up (confirmed it's them)"),
      action("session.revoked", "Console sessions ended"),
      action("admin.created", "Admin created"),
      action("admin.role_changed", "Admin role changed (single sign-on)"),
      action("admin.access_revoked", "Admin's sessions and tokens revoked (no role at sign-on)"),
      action("admin.sso_account_bound", "Admin linked to a single sign-on account"),
      action("admin.sso_account_forgotten", "Admin's single sign-on account unlinked"),
      action("sso.updated", "Single sign-on settings changed"),
    ],
  },
  { label: "Other", options: [{ value: OTHER_ACTION, label: "Other…", hint: "type it" }] },
];

const KNOWN = new Set(ACTION_GROUPS.flatMap((group) => group.options.map((option) => option.value)));

/** Which select entry shows a filter value: a known action, "any", or "other" with the text. */
export function actionChoice(action: string): string {
  if (!action) return ANY_ACTION;
  return KNOWN.has(action) && action !== ANY_ACTION && action !== OTHER_ACTION ? action : OTHER_ACTION;
}
