import formStyles from "./form.module.css";

/**
 * A form's last lines: why the last attempt failed, if it did, and its submit button, which stays
 * disabled until the page is hydrated (a click before would submit natively) and while it runs.
 */
export function FormSubmit({
  problem,
  hydrated,
  pending,
  label,
  pendingLabel,
}: {
  problem: string | null;
  hydrated: boolean;
  pending: boolean;
  label: string;
  pendingLabel: string;
}) {
  return (
    <>
      {problem && (
        <p role="alert" className={formStyles.error}>
          {problem}
        </p>
      )}
      <div>
        <button type="submit" className={formStyles.primary} disabled={!hydrated || pending}>
          {pending ? pendingLabel : label}
        </button>
      </div>
    </>
  );
}
