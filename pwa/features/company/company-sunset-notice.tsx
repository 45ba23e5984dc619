/**
 * The token-sunset warning at the top of the General and Tokens tabs, for a company that relies on
 * a KSeF token (company-view.ts): the count-down under current rules and the path to a KSeF
 * certificate, each step linked to its tab.
 */
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { TokenSunsetNotice } from '../token-sunset/token-sunset-notice.tsx';
import { TOKEN_SUNSET_POLICY } from '../token-sunset/token-sunset-policy.ts';
import type { CompanyView } from './company-view.ts';
import type { MigrationProgress } from './migration-progress.ts';

export function CompanySunsetNotice(props: {
  company: CompanyView;
  migration: MigrationProgress;
  nowMs: number;
  locale: Locale;
  t: Translate;
}) {
  return props.company.reliesOnKsefToken ? (
    <TokenSunsetNotice
      nowMs={props.nowMs}
      policy={TOKEN_SUNSET_POLICY}
      companyId={props.company.id}
      migration={props.migration}
      locale={props.locale}
      t={props.t}
    />
  ) : null;
}
