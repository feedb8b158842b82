import type { NewUserFields } from "@/db/queries/users";
import { emailFields, foldText } from "./email";

/**
 * The text columns of a new user, each beside the key it is found by. A user created without a
 * unique code gets a random `USR-` one: 48 random bits, so that codes made in bulk (tests, imports) do
 * not collide (with 32 bits, a 10,500-user test tenant had a 1-in-80 chance of a clash).
 */
export function newUserFields(input: { email: string; name: string; uniqueCode?: string }): NewUserFields {
  const uniqueCode = input.uniqueCode ?? `USR-${crypto.randomUUID().replaceAll("-", "").slice(0, 12).toUpperCase()}`;
  return { ...emailFields(input.email), name: input.name, nameFolded: foldText(input.name), uniqueCode, uniqueCodeFolded: foldText(uniqueCode) };
}

/** The user an admin becomes when no user has the address yet: named after the address's local part. */
export function adminUserFields(email: string): NewUserFields {
  const local = email.trim().split("@")[0] || email.trim();
  return newUserFields({ email, name: local });
}
