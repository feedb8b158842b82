import type { ContactsDto, MobileDto } from "@/lib/query/user-detail";
import { Facts } from "./facts";
import styles from "./user-detail.module.css";

const mobile = (value: MobileDto | null) => (value ? `${value.countryCode} ${value.number}` : null);

export function ContactsSection({ contacts }: { contacts: ContactsDto }) {
  return (
    <section className={styles.card} aria-labelledby="contacts-heading">
      <h2 id="contacts-heading">Contact details</h2>
      <Facts
        facts={[
          { label: "Primary email", value: contacts.primaryEmail },
          {
            label: "Other emails",
            value:
              contacts.otherEmails.length === 0 ? null : (
                <ul className={styles.plainList}>
                  {contacts.otherEmails.map((entry) => (
                    <li key={entry.email}>
                      {entry.email}
                      {entry.label && <span className={styles.label}> {entry.label}</span>}
                    </li>
                  ))}
                </ul>
              ),
          },
          { label: "Primary mobile", value: mobile(contacts.primaryMobile) },
          { label: "Secondary mobile", value: mobile(contacts.secondaryMobile) },
        ]}
      />
    </section>
  );
}
