import type { SelectGroup } from "@/components/ui/select-field";

export const ANY_ACTION = "any";
export const OTHER_ACTION = "other";

/**
 * The actions Roster records today, for the action filter; anything else (new actions, other
 * prefixes) can be typed under "Other". A value ending in "." matches every action below it.
 */
export const ACTION_GROUPS: SelectGroup[] = [
  { label: "Any", options: [{ value: ANY_ACTION, label: "Any action" }] },
  {
    label: "Groups",
    options: [
      { value: "user.", label: "All user changes", hint: "user.*" },
      { value: "token.", label: "All token changes", hint: "token.*" },
      { value: "session.", label: "All console sign-ins", hint: "session.*" },
      { value: "identity.", label: "All identity changes", hint: "identity.*" },
      { value: "admin.", label: "All admin changes", hint: "admin.*" },
    ],
  },
  {
    label: "Actions",
    options: [
      { value: "user.deactivate", label: "User deactivated", hint: "user.deactivate" },
      { value: "user.reactivate", label: "User reactivated", hint: "user.reactivate" },
      { value: "identity.link", label: "Identity linked", hint: "identity.link" },
      { value: "token.created", label: "Token created", hint: "token.created" },
      { value: "token.revoked", label: "Token revoked", hint: "token.revoked" },
      { value: "session.sign_in", label: "Console sign-in", hint: "session.sign_in" },
      { value: "admin.created", label: "Admin created", hint: "admin.created" },
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
