import type { RefObject } from "react";
import type { UserDetailDto } from "@/lib/query/user-detail";

/** What each of the user page's action dialogs takes: the user, the page's announcement, and where focus goes after. */
export type UserActionProps = {
  detail: UserDetailDto;
  /** The sentence the page announces in its status message. */
  onDone: (message: string) => void;
  focusAfterSuccess: RefObject<HTMLElement | null>;
};
