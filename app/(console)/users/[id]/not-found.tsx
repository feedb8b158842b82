import Link from "next/link";
import styles from "@/components/user-detail/user-detail.module.css";

export default function UserNotFound() {
  return (
    <section className={styles.card} aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">User not found</h1>
      <p>Your company has no user with this id. The link may be mistyped, or it may point to a user of another company.</p>
      <p>
        <Link href="/users">Search users</Link>
      </p>
    </section>
  );
}
