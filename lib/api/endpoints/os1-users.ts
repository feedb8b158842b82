import { findUserByRef, findUsersByRefs, mobilesOfUsers, type UserRef } from "@/db/queries/user-directory";
import { listUsers, MAX_LIST_DEPTH, MAX_QUERY_MATCHES, MIN_QUERY_CHARACTERS } from "@/db/queries/user-list";
import type { User } from "@/db/schema";
import { os1 } from "../dialects/os1";
import { defineEndpoint, type ParameterDoc } from "../endpoint";
import { ApiError } from "../errors";
import {
  contactQuery,
  getUserParams,
  getUserQuery,
  getUserResponse,
  listUsersQuery,
  listUsersResponse,
  OS1_USER_ATTRIBUTES,
  USER_UUID_EXAMPLE,
  userEmailsResponse,
  userMobilesResponse,
} from "../schemas";
import { UUID_PATTERN } from "@/lib/contracts/common";

/** `<uuid>`, `user:<uuid>`, `users:<uuid>` or `ref:<aaaId|userCode|uniqueCode>`; null when it is none of these. */
export function parseUserRef(text: string): UserRef | null {
  const value = text.trim();
  if (value.startsWith("ref:")) {
    const code = value.slice(4).trim();
    return code && code.length <= 200 ? { kind: "code", code } : null;
  }
  const id = value.replace(/^users?:/, "");
  return UUID_PATTERN.test(id) ? { kind: "id", id } : null;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

/** A user's id as OS1 writes it. */
const os1Id = (user: Pick<User, "id">) => `user:${user.id}`;

export function toOs1User(user: User, options: { includeProperties?: boolean } = {}) {
  return {
    id: os1Id(user),
    name: user.name,
    email: user.email,
    state: user.state,
    uniqueCode: user.uniqueCode,
    userCode: user.userCode,
    aaaId: user.aaaId,
    participantType: user.participantType,
    category: user.category,
    subCategory: user.subCategory,
    templateId: user.templateId,
    ...(options.includeProperties !== false && { properties: user.properties }),
    createdAt: seconds(user.createdAt)!,
    updatedAt: seconds(user.updatedAt)!,
    createdBy: user.createdBy,
    updatedBy: user.updatedBy,
  };
}

const os1Read = { method: "GET", dialect: os1, auth: "token", action: "readUsers" } as const;
const idsDocs: Record<string, ParameterDoc> = {
  ids: {
    description: "Comma-separated user ids (`<uuid>`, `user:<uuid>`, `users:<uuid>` or `ref:<code>`), at most 10; ids that are not ids are ignored.",
    example: `user:${USER_UUID_EXAMPLE}`,
  },
  userId: { description: "Alias of `ids`; both may be given and are merged." },
};

// GET /api/v1/users/{userId} — GetUser (Delhivery OS1)
export const getUser = defineEndpoint({
  ...os1Read,
  operationId: "getUser",
  path: "/api/v1/users/{userId}",
  params: getUserParams,
  query: getUserQuery,
  response: { status: 200, description: "The user", schema: getUserResponse },
  errors: [400, 404],
  docs: {
    summary: "GetUser",
    description: "One user by id or external reference.",
    parameters: {
      userId: {
        description: "`<uuid>`, `user:<uuid>`, `users:<uuid>`, or `ref:<code>` where code is an aaaId, userCode or uniqueCode.",
        example: `user:${USER_UUID_EXAMPLE}`,
      },
      includeProperties: { description: "`false` leaves `properties` out (default true)." },
    },
  },
  handler: async ({ db, principal, params, query }) => {
    const ref = parseUserRef(params.userId);
    if (!ref)
      throw new ApiError("invalid_input", "userId must be a user id (<uuid>, user:<uuid>, users:<uuid>) or ref:<code>", {
        details: { userId: "not a user id or ref" },
      });
    const user = await findUserByRef(db, principal.tenantId, ref);
    if (!user) throw new ApiError("not_found", `No user ${params.userId}`);
    return { data: toOs1User(user, { includeProperties: query.includeProperties }) };
  },
});

// GET /api/v1/users — ListUsers (Delhivery OS1)
const count = (n: number) => n.toLocaleString("en-US");

export const listUsersEndpoint = defineEndpoint({
  ...os1Read,
  operationId: "listUsers",
  path: "/api/v1/users",
  query: listUsersQuery,
  response: { status: 200, description: "One page of users", schema: listUsersResponse },
  errors: [400],
  docs: {
    summary: "ListUsers",
    description: "Pages through the tenant's users, newest first by default.",
    parameters: {
      page: {
        description: `Page number, from 1 (default 1). A list goes at most ${count(MAX_LIST_DEPTH)} rows deep: page × size above ${count(MAX_LIST_DEPTH)} is a 400; narrow the list with \`query\` instead.`,
        example: "1",
      },
      size: { description: "Users per page, 1–100 (default 20).", example: "20" },
      select: { description: `Comma-separated attributes to return (\`id\` is always kept): ${OS1_USER_ATTRIBUTES.join(", ")}.`, example: "name,email" },
      query: {
        description: `Matches email, name and unique code as a substring, case-insensitively (Unicode case folding: \`STRASSE\` finds Straße). At least ${MIN_QUERY_CHARACTERS} characters; a query that matches more than ${count(MAX_QUERY_MATCHES)} users is a 400 asking for a longer one.`,
      },
      sortBy: { description: "Sort direction." },
      sortKey: { description: "Attribute to sort by; any other value is a 400." },
      additionalInfo: { description: "`true` adds `additionalInfo: {active, deactivatedAt, identitiesCount}` to each user (default false)." },
    },
  },
  handler: async ({ db, principal, query }) => {
    const listed = await listUsers(db, {
      tenantId: principal.tenantId,
      page: query.page,
      size: query.size,
      query: query.query,
      sortKey: query.sortKey,
      sortDirection: query.sortBy,
    });
    if (listed.kind === "tooBroad") {
      throw new ApiError("invalid_input", `query is too broad: it may match more than ${count(MAX_QUERY_MATCHES)} users; use a longer or more specific query`);
    }
    const { total, users } = listed;
    const selected = query.select ? new Set(["id", ...query.select]) : null;
    return {
      data: {
        meta: { totalElements: total, totalPages: Math.ceil(total / query.size), page: query.page, size: query.size },
        users: users.map((user) => {
          const full: Record<string, unknown> = toOs1User(user);
          const view = selected ? Object.fromEntries(Object.entries(full).filter(([key]) => selected.has(key))) : full;
          if (query.additionalInfo)
            view.additionalInfo = { active: user.active, deactivatedAt: seconds(user.deactivatedAt), identitiesCount: user.identitiesCount };
          return view as { id: string };
        }),
      },
    };
  },
});

function usersNamed(db: Parameters<typeof findUsersByRefs>[0], tenantId: string, ids: string[]) {
  // Ids that are not ids at all are ignored, as the vendor does.
  const refs = ids.map(parseUserRef).filter((ref): ref is UserRef => ref !== null);
  return findUsersByRefs(db, tenantId, refs);
}

/** GetUserEmail and GetUserMobile: up to 10 users named by `ids`, each with one kind of contact detail. */
const contactRead = { ...os1Read, query: contactQuery, errors: [400] } as const;

function contactAnswer<U extends Pick<User, "id" | "uniqueCode">, T>(users: U[], contact: (user: U) => T) {
  return {
    data: { meta: { totalElements: users.length }, users: users.map((user) => ({ userId: os1Id(user), ...contact(user), uniqueCode: user.uniqueCode })) },
  };
}

// GET /api/v1/users/email?ids= — GetUserEmail (Delhivery OS1)
export const getUserEmails = defineEndpoint({
  ...contactRead,
  operationId: "getUserEmail",
  path: "/api/v1/users/email",
  response: { status: 200, description: "The users found, with their email address", schema: userEmailsResponse },
  docs: { summary: "GetUserEmail", description: "Email addresses of up to 10 users.", parameters: idsDocs },
  handler: async ({ db, principal, query }) => contactAnswer(await usersNamed(db, principal.tenantId, query.ids), (user) => ({ email: user.email })),
});

// GET /api/v1/users/mobile?ids= — GetUserMobile (Delhivery OS1)
export const getUserMobiles = defineEndpoint({
  ...contactRead,
  operationId: "getUserMobile",
  path: "/api/v1/users/mobile",
  response: { status: 200, description: "The users found, with their mobile numbers", schema: userMobilesResponse },
  docs: { summary: "GetUserMobile", description: "Mobile numbers of up to 10 users.", parameters: idsDocs },
  handler: async ({ db, principal, query }) => {
    const users = await usersNamed(db, principal.tenantId, query.ids);
    const mobiles = await mobilesOfUsers(
      db,
      principal.tenantId,
      users.map((user) => user.id),
    );
    return contactAnswer(users, (user) => mobiles.get(user.id)!);
  },
});

export const OS1_ENDPOINTS = [listUsersEndpoint, getUserEmails, getUserMobiles, getUser];
