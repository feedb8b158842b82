import { KEY_RULE_VERSION } from "@/lib/domain/email";

/**
 * The keys this process makes (email keys, folded names and codes: lib/domain/email.ts): the
 * rule's version, and the Unicode version of the case mappings and NFKC that the rule takes from
 * the engine, which a Node upgrade can move. Keys stored under another one are recomputed once
 * when a database is prepared, which then records this one (maintenance_marks).
 */
export const keyRule = (unicode = process.versions.unicode) => `rule ${KEY_RULE_VERSION}, Unicode ${unicode}`;
