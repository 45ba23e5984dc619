/**
 * The token-sunset warning with its guided path to a KSeF certificate. Shown for every company
 * that relies on a KSeF token; always says "under current rules" and names the source.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import { type CompanyTab, formatRoute } from '../../app/route.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { Notice } from '../../ui/notice.tsx';
import type { MigrationProgress } from '../company/migration-progress.ts';
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

/** The guided path: each step, whether it is done, and the tab where it happens. */
const STEPS: readonly { key: AppStringKey; done: keyof MigrationProgress; tab: CompanyTab }[] = [
  { key: 'moveStep1', done: 'signedIn', tab: 'general' },
  { key: 'moveStep2', done: 'enrolled', tab: 'certificates' },
  { key: 'moveStep3', done: 'retrieved', tab: 'certificates' },
  { key: 'moveStep4', done: 'isDefault', tab: 'certificates' },
  { key: 'moveStep5', done: 'tokensRevoked', tab: 'tokens' },
];

export function TokenSunsetNotice(props: {
  nowMs: number;
  policy: TokenSunsetPolicy;
  locale: Locale;
  t: Translate;
  /** With a company: each step of the path links to its tab and says whether it is done. */
  companyId?: string;
  migration?: MigrationProgress;
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
      <details class="guide" open={props.migration !== undefined}>
        <summary>{t('moveToCertificate')}</summary>
        <ol class="steps" data-testid="migration-steps">
          {STEPS.map((step) => {
            const done = props.migration?.[step.done] ?? false;
            return (
              <li key={step.key} data-done={done ? 'true' : 'false'}>
                {props.companyId ? (
                  <a href={formatRoute({ screen: 'company', companyId: props.companyId, tab: step.tab })}>
                    {t(step.key)}
                  </a>
                ) : (
                  t(step.key)
                )}
                {props.migration ? (
                  <span class="muted"> — {t(done ? 'stepDoneMark' : 'stepToDo')}</span>
                ) : null}
              </li>
            );
          })}
        </ol>
      </details>
    </Notice>
  );
}
