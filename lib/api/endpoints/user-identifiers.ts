import { findUserIdsByEmails } from "@/db/queries/user-lookup";
import { normalizeEmail } from "@/lib/domain/email";
import { mendixIdentifiers } from "../dialects/mendix-identifiers";
import { apiRoute, methodNotAllowed } from "../route";
import { emailAddressesRequest } from "../schemas";

const NOT_FOUND_MESSAGE = "No user(s) found with the following email address(es) within your company";

/** Email → UUID for up to 1,000 addresses; addresses are echoed exactly as sent. */
export const lookupUserIds = apiRoute({ dialect: mendixIdentifiers, action: "lookupUserIds", body: emailAddressesRequest }, ({ db, principal, body }) => {
  const sent = [...new Set(body.emailAddresses.map((item) => item.emailAddress))].map((emailAddress) => ({ emailAddress, key: normalizeEmail(emailAddress) }));
  const found = findUserIdsByEmails(db, principal.tenantId, sent.map((item) => item.key));
  const identifiers: { emailAddress: string; uuid: string }[] = [];
  const missing: { emailAddress: string }[] = [];
  for (const { emailAddress, key } of sent) {
    const uuid = found.get(key);
    if (uuid) identifiers.push({ emailAddress, uuid });
    else missing.push({ emailAddress });
  }
  return { status: 200, data: { identifiers, error: missing.length ? { message: NOT_FOUND_MESSAGE, emailAddresses: missing } : {} } };
});

export const userIdentifiersNotAllowed = methodNotAllowed(mendixIdentifiers, ["POST", "GET"]);
