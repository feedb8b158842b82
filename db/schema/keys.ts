// The types of what the directory stores beside its plain columns.

export type UserProperties = {
  workLocations: string[];
  teams: string[];
  identification: { idType: string; idNum: string } | null;
  fileID: string | null;
  userType: string;
  department: string;
  aaaGroups: string[];
  designation: string;
  employmentType: string;
};

export type ActorRef = { id: string; name: string };

/**
 * An email address as compared and stored in `email_normalized`: made only by normalizeEmail
 * (lib/domain/email.ts), so that what is stored and what is searched follow one rule.
 */
export type EmailKey = string & { readonly __emailKey: true };

/** Any other text as searched case-insensitively (names, unique codes): made only by foldText (lib/domain/email.ts). */
export type TextKey = string & { readonly __textKey: true };

/** The rules that make both kinds of key, handed to code in db/ that writes keys itself (the seed). */
export type SearchKeys = { email: (email: string) => EmailKey; text: (text: string) => TextKey };
