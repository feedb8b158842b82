import type { Identity, UserProperties } from "./schema";

/**
 * Deterministic data generation shared by the demo seed and the tests.
 * A tiny seeded PRNG (sfc32) instead of a faker library: seeding a million users must take
 * seconds, and the same --seed must always give the same tenant.
 */
export type Random = () => number;

export function createRandom(seed: number): Random {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = seed | 0;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function formatUuid(bytes: number[]): string {
  const h = bytes.map((byte) => HEX[byte]);
  return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
}

/** A UUID's 16 bytes drawn from the seeded generator, with the version and variant bits set. */
function drawUuidBytes(random: Random, version: number): number[] {
  const bytes = new Array<number>(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  bytes[6] = ((bytes[6] as number) & 0x0f) | (version << 4);
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return bytes;
}

/** A lowercase UUID v4 drawn from the seeded generator. */
export function randomUuid(random: Random): string {
  return formatUuid(drawUuidBytes(random, 4));
}

/**
 * A lowercase UUID in version 7's layout whose 48-bit time field holds `order` (below 2^48)
 * instead of a time, the rest drawn from the seeded generator: ids that sort in the order they
 * were made. A seed's inserts then append to the primary key instead of landing on random pages
 * (docs/decisions/0002). The same draws as randomUuid, so the rest of a generated user is unchanged.
 */
export function orderedUuid(random: Random, order: number): string {
  const bytes = drawUuidBytes(random, 7);
  for (let i = 5, rest = order; i >= 0; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  return formatUuid(bytes);
}

export const FIRST_NAMES = [
  "Aarav",
  "Aisha",
  "Alejandro",
  "Amara",
  "Anna",
  "Arjun",
  "Beatriz",
  "Ben",
  "Chen",
  "Chloe",
  "Daniel",
  "Divya",
  "Elena",
  "Emeka",
  "Emma",
  "Fatima",
  "Felix",
  "Grace",
  "Hana",
  "Hugo",
  "Ines",
  "Isaac",
  "Jana",
  "Javier",
  "Kavya",
  "Kenji",
  "Lars",
  "Leila",
  "Liam",
  "Lucia",
  "Maya",
  "Mateo",
  "Mei",
  "Mohammed",
  "Nadia",
  "Noah",
  "Olga",
  "Omar",
  "Priya",
  "Rahul",
  "Rosa",
  "Sakura",
  "Samuel",
  "Sofia",
  "Tariq",
  "Thandiwe",
  "Tomás",
  "Uma",
  "Victor",
  "Wei",
  "Yara",
  "Yusuf",
  "Zara",
  "Zoltan",
] as const;

export const LAST_NAMES = [
  "Adeyemi",
  "Andersson",
  "Bauer",
  "Bianchi",
  "Chen",
  "Costa",
  "Dubois",
  "Fernandes",
  "Fischer",
  "García",
  "Gupta",
  "Haddad",
  "Hansen",
  "Ivanova",
  "Jansen",
  "Kapoor",
  "Kim",
  "Kowalski",
  "Larsen",
  "Li",
  "Martin",
  "Mensah",
  "Müller",
  "Nakamura",
  "Nguyen",
  "Novak",
  "Okafor",
  "Olsen",
  "Patel",
  "Petrov",
  "Quispe",
  "Reddy",
  "Rossi",
  "Sato",
  "Schmidt",
  "Silva",
  "Singh",
  "Tanaka",
  "Torres",
  "Van Dijk",
  "Wang",
  "Weber",
  "Yilmaz",
  "Zhang",
] as const;

export const DEPARTMENTS = ["Engineering", "Finance", "Human Resources", "IT", "Legal", "Marketing", "Operations", "Sales", "Security", "Support"] as const;

const DESIGNATIONS: Record<(typeof DEPARTMENTS)[number], readonly string[]> = {
  Engineering: ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager"],
  Finance: ["Accountant", "Financial Analyst", "Controller"],
  "Human Resources": ["HR Generalist", "Recruiter", "HR Business Partner"],
  IT: ["IT Support Specialist", "Systems Administrator", "IT Manager"],
  Legal: ["Counsel", "Paralegal"],
  Marketing: ["Marketing Specialist", "Content Strategist", "Marketing Manager"],
  Operations: ["Operations Analyst", "Logistics Coordinator", "Operations Manager"],
  Sales: ["Account Executive", "Sales Development Rep", "Sales Manager"],
  Security: ["Security Analyst", "Security Engineer", "CISO"],
  Support: ["Support Agent", "Support Lead"],
};

export const WORK_LOCATIONS = ["Amsterdam", "Bengaluru", "Berlin", "Lagos", "London", "New York", "São Paulo", "Singapore", "Tokyo", "Remote"] as const;
const TEAMS = ["alpha", "atlas", "aurora", "comet", "falcon", "harbor", "nova", "orbit", "pioneer", "quartz"] as const;
const EMPLOYMENT_TYPES = ["full-time", "part-time", "contractor", "intern"] as const;
const COUNTRY_CODES = ["+1", "+31", "+44", "+49", "+55", "+65", "+81", "+91", "+234"] as const;
const ID_TYPES = ["passport", "national-id", "driving-licence"] as const;

export type GeneratedUser = {
  id: string;
  email: string;
  name: string;
  active: boolean;
  uniqueCode: string;
  userCode: string;
  aaaId: string;
  category: string;
  subCategory: string;
  properties: UserProperties;
  primaryMobile: { countryCode: string; number: string };
  secondaryMobile: { countryCode: string; number: string } | null;
  otherEmail: string | null;
  createdAt: number;
};

function mobile(random: Random) {
  return { countryCode: pick(random, COUNTRY_CODES), number: String(randomInt(random, 600000000, 999999999)) };
}

function asciiSlug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

/**
 * The index-th generated user of a tenant. Every user draws from its own generator so that
 * user N is the same whatever was seeded before it.
 */
export function generateUser(seed: number, index: number, domain: string, now: number): GeneratedUser {
  const random = createRandom((seed * 1_000_003 + index) | 0);
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  const department = pick(random, DEPARTMENTS);
  const code = String(index + 1).padStart(7, "0");
  const email = `${asciiSlug(first)}.${asciiSlug(last)}.${index + 1}@${domain}`;
  const employmentType = random() < 0.8 ? "full-time" : pick(random, EMPLOYMENT_TYPES);
  return {
    // In the order of the users' indexes; the vendor-doc users' negative ones fit no time field.
    id: index >= 0 ? orderedUuid(random, index) : randomUuid(random),
    email,
    name: `${first} ${last}`,
    active: random() >= 0.08,
    uniqueCode: `EMP${code}`,
    userCode: `U${code}`,
    aaaId: `AAA-${code}`,
    category: employmentType === "contractor" ? "contractor" : "employee",
    subCategory: department.toLowerCase().replace(/\s+/g, "-"),
    properties: {
      workLocations: random() < 0.15 ? [pick(random, WORK_LOCATIONS), pick(random, WORK_LOCATIONS)] : [pick(random, WORK_LOCATIONS)],
      teams: [pick(random, TEAMS)],
      identification: random() < 0.7 ? { idType: pick(random, ID_TYPES), idNum: String(randomInt(random, 10000000, 99999999)) } : null,
      fileID: random() < 0.5 ? `F-${code}` : null,
      userType: "employee",
      department,
      aaaGroups: random() < 0.3 ? ["staff", department.toLowerCase()] : ["staff"],
      designation: pick(random, DESIGNATIONS[department]),
      employmentType,
    },
    primaryMobile: mobile(random),
    secondaryMobile: random() < 0.35 ? mobile(random) : null,
    otherEmail: random() < 0.2 ? `${asciiSlug(first)}${index + 1}@mail.example` : null,
    // Spread over the last three years so that sorting by creation date means something.
    createdAt: now - Math.floor(random() * 3 * 365 * 24 * 3600 * 1000),
  };
}

/** The fields of an identity a generator decides; the seed adds ids, user, tenant and times. */
export type GeneratedIdentity = { providerIndex: number } & Pick<
  Identity,
  "externalId" | "externalUsername" | "externalEmail" | "externalDisplayName" | "linkedBy" | "lastSyncedAt"
>;

/**
 * Identities of a generated user at the three demo providers (0 = OIDC, 1 = SAML, 2 = SCIM):
 * every linked_by kind occurs, with and without a last sync.
 */
export function generateIdentities(user: GeneratedUser, seed: number, index: number, now: number): GeneratedIdentity[] {
  const random = createRandom((seed * 7_919 + index * 31 + 17) | 0);
  const identities: GeneratedIdentity[] = [];
  const local = user.email.slice(0, user.email.indexOf("@"));
  if (random() < 0.85) {
    identities.push({
      providerIndex: 0,
      externalId: `oidc|${user.id.replace(/-/g, "").slice(0, 24)}`,
      externalUsername: local,
      externalEmail: user.email,
      externalDisplayName: user.name,
      linkedBy: random() < 0.9 ? "auto" : "manual",
      lastSyncedAt: random() < 0.8 ? now - Math.floor(random() * 30 * 24 * 3600 * 1000) : null,
    });
  }
  if (random() < 0.2) {
    identities.push({
      providerIndex: 1,
      externalId: `saml:${user.uniqueCode}`,
      externalUsername: random() < 0.5 ? local : null,
      externalEmail: user.email,
      externalDisplayName: random() < 0.5 ? user.name : null,
      linkedBy: random() < 0.5 ? "manual" : "auto",
      lastSyncedAt: random() < 0.5 ? now - Math.floor(random() * 90 * 24 * 3600 * 1000) : null,
    });
  }
  if (random() < 0.25) {
    identities.push({
      providerIndex: 2,
      externalId: `scim-${user.userCode}`,
      externalUsername: local,
      externalEmail: null,
      externalDisplayName: user.name,
      linkedBy: "scim",
      lastSyncedAt: random() < 0.9 ? now - Math.floor(random() * 24 * 3600 * 1000) : null,
    });
  }
  return identities;
}
