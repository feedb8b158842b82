import formStyles from "@/components/console/form.module.css";
import { errorText } from "./error-text";
import styles from "./load-error.module.css";

/**
 * What a section shows when its data did not load: why, and "Try again" only when trying again
 * may work (no answer, a server failure, a rate limit); a refusal, such as a filter the API
 * rejects, stays a refusal. `withFields` adds the server's per-field messages (filters, forms).
 */
export function LoadError({
  what,
  error,
  onRetry,
  withFields = false,
  className = styles.box,
}: {
  what: string;
  error: unknown;
  onRetry: () => void;
  withFields?: boolean;
  className?: string;
}) {
  const { message, retryable } = errorText(error, { withFields });
  return (
    <div role="alert" className={className}>
      <p className={formStyles.error}>
        Could not load {what}: {message}
      </p>
      {retryable && (
        <button type="button" className={formStyles.secondary} onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
