/** Auto-lock after idle time: 5–240 minutes, default 15, and no "never" (SECURITY.md §4). */
import { LOCK_POLICY } from '../../../shared/domain/lock-policy.ts';
import type { Translate } from '../../app/strings.ts';

export const AUTO_LOCK_CHOICES = Object.freeze([5, 10, 15, 30, 60, 120, 240] as const);

export function AutoLockSelect(props: {
  id: string;
  value: number;
  onChange(n: number): void;
  t: Translate;
}) {
  const { t } = props;
  const choices: readonly number[] = AUTO_LOCK_CHOICES.includes(props.value as never)
    ? AUTO_LOCK_CHOICES
    : [...AUTO_LOCK_CHOICES, props.value].sort((a, b) => a - b);
  return (
    <div class="field">
      <label for={props.id}>{t('autoLock')}</label>
      <select
        id={props.id}
        value={String(props.value)}
        onChange={(e) => {
          const n = Number(e.currentTarget.value);
          if (Number.isInteger(n) && n >= LOCK_POLICY.MIN_IDLE_MINUTES && n <= LOCK_POLICY.MAX_IDLE_MINUTES)
            props.onChange(n);
        }}
      >
        {choices.map((n) => (
          <option key={n} value={String(n)}>
            {t('minutes', { n })}
          </option>
        ))}
      </select>
    </div>
  );
}
