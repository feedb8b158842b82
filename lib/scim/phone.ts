import { parsePhoneNumberFromString } from "libphonenumber-js";

export type SplitPhone = { countryCode: string; number: string };

/**
 * A SCIM phone value ("+91 98765 43210", "tel:+1-201-555-0123") as user_mobiles stores it: the
 * country calling code as "+91" and the national number in digits. A value without a country
 * (or that is no phone number at all) is kept whole, with no country code.
 */
export function splitPhone(value: string): SplitPhone {
  const known = splitPhones.get(value);
  if (known) return { ...known };
  const trimmed = value.trim();
  const parsed = parsePhoneNumberFromString(trimmed);
  const split = parsed ? { countryCode: `+${parsed.countryCallingCode}`, number: String(parsed.nationalNumber) } : { countryCode: "", number: trimmed };
  if (splitPhones.size >= SPLIT_PHONES_KEPT) splitPhones.clear();
  splitPhones.set(value, split);
  return { ...split };
}

// Parsing is most of the cost of reading and rendering a SCIM user (every PATCH does both, and
// renders the stored values again): the values seen lately are kept, a bounded few.
const SPLIT_PHONES_KEPT = 10_000;
const splitPhones = new Map<string, SplitPhone>();

/** A stored mobile written back as one SCIM value. */
export function joinPhone(phone: SplitPhone): string {
  return phone.countryCode ? `${phone.countryCode} ${phone.number}` : phone.number;
}

export const samePhone = (a: SplitPhone, b: SplitPhone) => a.countryCode === b.countryCode && a.number === b.number;
