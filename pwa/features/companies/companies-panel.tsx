/**
 * The left-hand companies list: one entry per company with its NIP, environment and a status
 * badge (status is clear metadata, readable while the vault is locked and offline).
 */
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import { formatRoute } from '../../app/route.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { Badge, type BadgeTone } from '../../ui/badge.tsx';

export type CompanyStatus = 'session' | 'ready' | 'no-credential' | 'attention';

export type CompanyListItem = {
  readonly id: string;
  readonly name: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
  readonly status: CompanyStatus;
};

const STATUS: Record<CompanyStatus, { key: AppStringKey; tone: BadgeTone }> = {
  session: { key: 'statusSession', tone: 'ok' },
  ready: { key: 'statusReady', tone: 'info' },
  'no-credential': { key: 'statusNoCredential', tone: 'muted' },
  attention: { key: 'statusAttention', tone: 'warn' },
};

export function environmentLabel(env: EnvironmentId, t: Translate): string {
  if (env === 'TEST') return t('envTEST');
  if (env === 'DEMO') return t('envDEMO');
  if (env === 'PRD') return t('envPRD');
  return t('envSandbox');
}

export function CompaniesPanel(props: {
  companies: readonly CompanyListItem[];
  selectedId: string | null;
  vaultAvailable: boolean;
  t: Translate;
}) {
  const { companies, t } = props;
  return (
    <nav aria-labelledby="companies-heading" class="companies" data-testid="companies-panel">
      <h2 id="companies-heading">{t('companies')}</h2>
      {companies.length === 0 ? <p class="muted">{t('companiesEmpty')}</p> : null}
      <ul class="companies__list">
        {companies.map((c) => {
          const s = STATUS[c.status];
          return (
            <li key={c.id}>
              <a
                href={formatRoute({ screen: 'company', companyId: c.id, tab: 'general' })}
                aria-current={c.id === props.selectedId ? 'page' : undefined}
                class="companies__item"
              >
                <span class="companies__name">{c.name}</span>
                <span class="companies__meta">
                  {t('nip')} {c.nip} · {environmentLabel(c.environment, t)}
                </span>
                <Badge tone={s.tone}>{t(s.key)}</Badge>
              </a>
            </li>
          );
        })}
      </ul>
      {props.vaultAvailable ? null : <p class="muted small">{t('vaultPending')}</p>}
    </nav>
  );
}
