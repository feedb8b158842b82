import type { UserDto } from "@/lib/query/user-detail";
import { Facts, list, type Fact } from "./facts";
import { RelativeTime } from "@/components/ui/relative-time";
import styles from "./user-detail.module.css";

export function ProfileSection({ user, serverNow }: { user: UserDto; serverNow: number }) {
  const p = user.properties ?? {};
  const identification =
    p.identification && (p.identification.idType || p.identification.idNum) ? `${p.identification.idType}: ${p.identification.idNum}` : null;
  const facts: Fact[] = [
    { label: "State", value: <code>{user.state}</code> },
    { label: "Unique code", value: user.uniqueCode },
    { label: "User code", value: user.userCode },
    { label: "AAA ID", value: user.aaaId },
    { label: "Category", value: [user.category, user.subCategory].filter(Boolean).join(" / ") },
    { label: "Department", value: p.department },
    { label: "Designation", value: p.designation },
    { label: "Employment type", value: p.employmentType },
    { label: "User type", value: p.userType },
    { label: "Work locations", value: list(p.workLocations) },
    { label: "Teams", value: list(p.teams) },
    { label: "AAA groups", value: list(p.aaaGroups) },
    { label: "Identification", value: identification },
    { label: "File ID", value: p.fileID },
    { label: "Created", value: <RelativeTime iso={user.createdAt} serverNow={serverNow} /> },
    { label: "Updated", value: <RelativeTime iso={user.updatedAt} serverNow={serverNow} /> },
  ];
  if (user.deactivatedAt) {
    facts.push({
      label: "Deactivated",
      value: (
        <>
          <RelativeTime iso={user.deactivatedAt} serverNow={serverNow} />
          {user.deactivatedBy && <> by {user.deactivatedBy.name}</>}
        </>
      ),
    });
  }
  return (
    <section className={styles.card} aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <Facts facts={facts} />
    </section>
  );
}
