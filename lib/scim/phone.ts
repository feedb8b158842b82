import { parsePhoneNumberFromString } from "libphonenumber-js";

export type SplitPhone = { countryCode: string; number: string };

/**
 * A SCIM phone value ("+91 98765 43210", "tel:+1-201-555-0123") as user_mobiles stores it: the
 * country calling code as "+91" and the national number in digits. A value without a country
 * (or that is no phone number at all) is kept whole, with no country code.
 */
export function splitPhone(value: string): SplitPhone {
  const trimmed = value.trim();
  const parsed = parsePhoneNumberFromString(trimmed);
  return parsed ? { countryCode: `+${parsed.countryCallingCode}`, number: String(parsed.nationalNumber) } : { countryCode: "", number: trimmed };
}

/** A stored mobile written back as one SCIM value. */
export function joinPhone(phone: SplitPhone): string {
  return phone.countryCode ? `${phone.countryCode} ${phone.number}` : phone.number;
}

export const samePhone = (a: SplitPhone, b: SplitPhone) => a.countryCode === b.countryCode && a.number === b.number;
