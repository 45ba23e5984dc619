/**
 * The token-sunset warning with its guided path to a KSeF certificate. Shown for every company
 * that relies on a KSeF token; always says "under current rules" and names the source.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { Notice } from '../../ui/notice.tsx';
import type { TokenSunsetPolicy } from './token-sunset-policy.ts';
import { tokenSunsetStatus } from './token-sunset-status.ts';

export function formatDay(isoDate: string, locale: Locale): string {
  // Noon UTC keeps the calendar day the same in every time zone.
  return new Intl.DateTimeFormat(locale === 'pl' ? 'pl-PL' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${isoDate}T12:00:00Z`));
}

export function TokenSunsetNotice(props: {
  nowMs: number;
  policy: TokenSunsetPolicy;
  locale: Locale;
  t: Translate;
}) {
  const { t, locale, policy } = props;
  const s = tokenSunsetStatus(props.nowMs, policy);
  const date = formatDay(s.lastDay, locale);
  return (
    <Notice
      tone={s.kind === 'before' ? 'warn' : 'danger'}
      role="note"
      title={t('sunsetTitle')}
      testId="token-sunset"
    >
      <p class="sunset__days">
        {s.kind === 'before'
          ? t('sunsetDaysLeft', { days: s.daysLeft, date })
          : t('sunsetPassed', { date: formatDay(s.nextDay, locale) })}
      </p>
      <p>{t('sunsetExplain', { date, nextDay: formatDay(s.nextDay, locale) })}</p>
      <p class="muted">{t('sunsetSource', { source: policy.source[locale] })}</p>
      <details class="guide">
        <summary>{t('moveToCertificate')}</summary>
        <ol class="steps">
          <li>{t('moveStep1')}</li>
          <li>{t('moveStep2')}</li>
          <li>{t('moveStep3')}</li>
          <li>{t('moveStep4')}</li>
          <li>{t('moveStep5')}</li>
        </ol>
      </details>
    </Notice>
  );
}
