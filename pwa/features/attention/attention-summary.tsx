/** The start screen's "what needs attention" list, most urgent first, each linking to its company. */
import type { Locale } from '../../../shared/i18n/translate.ts';
import { formatRoute } from '../../app/route.ts';
import type { Translate } from '../../app/strings.ts';
import { formatDay } from '../token-sunset/token-sunset-notice.tsx';
import type { AttentionItem } from './needs-attention.ts';

function describe(item: AttentionItem, t: Translate, locale: Locale): string {
  const date = formatDay(item.date, locale);
  const base = { company: item.company, date, days: item.daysLeft };
  switch (item.kind) {
    case 'certificate-expiring':
      return t('attentionCertificateExpiring', { ...base, label: item.label });
    case 'certificate-expired':
      return t('attentionCertificateExpired', { ...base, label: item.label });
    case 'refresh-expiring':
      return t('attentionRefreshExpiring', base);
    case 'refresh-expired':
      return t('attentionRefreshExpired', base);
    case 'token-sunset':
      return t('attentionTokenSunset', base);
    case 'token-sunset-passed':
      return t('attentionTokenSunsetPassed', base);
  }
}

const TAB_FOR: Record<AttentionItem['kind'], 'certificates' | 'general' | 'tokens'> = {
  'certificate-expiring': 'certificates',
  'certificate-expired': 'certificates',
  'refresh-expiring': 'general',
  'refresh-expired': 'general',
  'token-sunset': 'tokens',
  'token-sunset-passed': 'tokens',
};

export function AttentionSummary(props: { items: readonly AttentionItem[]; t: Translate; locale: Locale }) {
  const { items, t, locale } = props;
  return (
    <section aria-labelledby="attention-heading" class="card" data-testid="attention">
      <h2 id="attention-heading">{t('startTitle')}</h2>
      {items.length === 0 ? (
        <p>{t('attentionNone')}</p>
      ) : (
        <ul class="attention-list">
          {items.map((item) => (
            <li
              key={`${item.kind}:${item.companyId}:${'label' in item ? item.label : ''}`}
              data-kind={item.kind}
            >
              <span>{describe(item, t, locale)}</span>{' '}
              <a
                href={formatRoute({ screen: 'company', companyId: item.companyId, tab: TAB_FOR[item.kind] })}
              >
                {t('attentionOpen')}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
