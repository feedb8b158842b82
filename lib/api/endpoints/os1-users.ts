import { findUserByRef, findUsersByRefs, mobilesOfUsers, type UserRef } from "@/db/queries/user-directory";
import { listUsers, MAX_LIST_DEPTH } from "@/db/queries/user-list";
import type { User } from "@/db/schema";
import { os1 } from "../dialects/os1";
import { ApiError } from "../errors";
import { apiRoute, methodNotAllowed } from "../route";
import { contactQuery, getUserParams, getUserQuery, listUsersQuery, UUID_PATTERN } from "../schemas";

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

export function toOs1User(user: User, options: { includeProperties?: boolean } = {}) {
  return {
    id: `user:${user.id}`,
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

// GetUser
export const getUser = apiRoute({ dialect: os1, action: "readUsers", params: getUserParams, query: getUserQuery }, ({ db, principal, params, query }) => {
  // Next.js has already percent-decoded the path segment.
  const ref = parseUserRef(params.userId);
  if (!ref) {
    throw new ApiError("invalid_input", "userId must be a user id (<uuid>, user:<uuid>, users:<uuid>) or ref:<code>", { details: { userId: "not a user id or ref" } });
  }
  const user = findUserByRef(db, principal.tenantId, ref);
  if (!user) throw new ApiError("not_found", `No user ${params.userId}`);
  return { status: 200, data: toOs1User(user, { includeProperties: query.includeProperties }) };
});

// ListUsers
export const listUsersRoute = apiRoute({ dialect: os1, action: "readUsers", query: listUsersQuery }, ({ db, principal, query }) => {
  const listed = listUsers(db, {
    tenantId: principal.tenantId,
    page: query.page,
    size: query.size,
    query: query.query,
    sortKey: query.sortKey,
    sortDirection: query.sortBy,
  });
  if (listed.kind === "tooBroad") {
    throw new ApiError("invalid_input", `query is too broad: it may match more than ${MAX_LIST_DEPTH.toLocaleString("en-US")} users; use a longer or more specific query`);
  }
  const { total, users } = listed;
  const selected = query.select ? new Set(["id", ...query.select]) : null;
  return {
    status: 200,
    data: {
      meta: { totalElements: total, totalPages: Math.ceil(total / query.size), page: query.page, size: query.size },
      users: users.map((user) => {
        const full: Record<string, unknown> = toOs1User(user);
        const view = selected ? Object.fromEntries(Object.entries(full).filter(([key]) => selected.has(key))) : full;
        if (query.additionalInfo) view.additionalInfo = { active: user.active, deactivatedAt: seconds(user.deactivatedAt), identitiesCount: user.identitiesCount };
        return view;
      }),
    },
  };
});

function usersNamed(db: Parameters<typeof findUsersByRefs>[0], tenantId: string, ids: string[]) {
  // Ids that are not ids at all are ignored, as the vendor does.
  const refs = ids.map(parseUserRef).filter((ref): ref is UserRef => ref !== null);
  return findUsersByRefs(db, tenantId, refs);
}

// GetUserEmail
export const getUserEmails = apiRoute({ dialect: os1, action: "readUsers", query: contactQuery }, ({ db, principal, query }) => {
  const users = usersNamed(db, principal.tenantId, query.ids);
  return {
    status: 200,
    data: { meta: { totalElements: users.length }, users: users.map((u) => ({ userId: `user:${u.id}`, email: u.email, uniqueCode: u.uniqueCode })) },
  };
});

// GetUserMobile
export const getUserMobiles = apiRoute({ dialect: os1, action: "readUsers", query: contactQuery }, ({ db, principal, query }) => {
  const users = usersNamed(db, principal.tenantId, query.ids);
  const mobiles = mobilesOfUsers(db, principal.tenantId, users.map((u) => u.id));
  return {
    status: 200,
    data: {
      meta: { totalElements: users.length },
      users: users.map((u) => ({ userId: `user:${u.id}`, ...mobiles.get(u.id)!, uniqueCode: u.uniqueCode })),
    },
  };
});

export const os1ReadOnly = methodNotAllowed(os1, ["GET"]);
