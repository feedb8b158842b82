"use client";

import { Select } from "radix-ui";
import styles from "./select-field.module.css";
import { useHydrated } from "./use-hydrated";

export type SelectOption = { value: string; label: string; hint?: string };
export type SelectGroup = { label: string; options: SelectOption[] };

/**
 * A labelled Radix Select: keyboard and screen-reader behaviour from the primitive, look from the
 * console's variables. Its trigger is a button that only its script opens: disabled until hydration.
 */
export function SelectField({
  id,
  label,
  value,
  onValueChange,
  groups,
  className,
}: {
  id: string;
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  groups: SelectGroup[];
  className?: string;
}) {
  const hydrated = useHydrated();
  return (
    <div className={`${styles.field} ${className ?? ""}`}>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <Select.Root value={value} onValueChange={onValueChange} disabled={!hydrated}>
        <Select.Trigger id={id} className={styles.trigger}>
          <Select.Value />
          <Select.Icon className={styles.icon} aria-hidden>
            ▾
          </Select.Icon>
        </Select.Trigger>
        <Select.Portal>
          <Select.Content className={styles.content} position="popper" sideOffset={4}>
            <Select.Viewport className={styles.viewport}>
              {groups.map((group, index) => (
                <Select.Group key={group.label}>
                  {index > 0 && <Select.Separator className={styles.separator} />}
                  {groups.length > 1 && <Select.Label className={styles.groupLabel}>{group.label}</Select.Label>}
                  {group.options.map((option) => (
                    <Select.Item key={option.value} value={option.value} className={styles.item}>
                      <Select.ItemText>{option.label}</Select.ItemText>
                      {option.hint && <span className={styles.hint}>{option.hint}</span>}
                      <Select.ItemIndicator className={styles.indicator}>✓</Select.ItemIndicator>
                    </Select.Item>
                  ))}
                </Select.Group>
              ))}
            </Select.Viewport>
          </Select.Content>
        </Select.Portal>
      </Select.Root>
    </div>
  );
}
