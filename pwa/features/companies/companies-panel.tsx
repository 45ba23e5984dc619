/**
 * The left-hand companies list: one entry per company with its NIP, environment and a status
 * badge (status is clear metadata, readable while the vault is locked and offline), and "Dodaj
 * firmę" (which needs the vault unlocked).
 */
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import type { EnvironmentInfo } from '../../../shared/protocol/messages.ts';
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

export const COMPANY_STATUS: Readonly<Record<CompanyStatus, { key: AppStringKey; tone: BadgeTone }>> =
  Object.freeze({
    session: { key: 'statusSession', tone: 'ok' },
    ready: { key: 'statusReady', tone: 'info' },
    'no-credential': { key: 'statusNoCredential', tone: 'muted' },
    attention: { key: 'statusAttention', tone: 'warn' },
  });

export function environmentLabel(
  env: EnvironmentId,
  t: Translate,
  environments: readonly EnvironmentInfo[] = [],
): string {
  if (env === 'TEST') return t('envTEST');
  if (env === 'DEMO') return t('envDEMO');
  if (env === 'PRD') return t('envPRD');
  const custom = environments.find((e) => e.id === env);
  return custom ? t('envCustom', { label: custom.label }) : t('envSandbox');
}

export function CompaniesPanel(props: {
  companies: readonly CompanyListItem[];
  selectedId: string | null;
  environments?: readonly EnvironmentInfo[];
  /** Why "Add company" cannot be used now (locked, no vault), or null. */
  addBlockedBy?: string | null;
  onAdd?: () => void;
  t: Translate;
}) {
  const { companies, t } = props;
  return (
    <nav aria-labelledby="companies-heading" class="companies" data-testid="companies-panel">
      <h2 id="companies-heading">{t('companies')}</h2>
      {companies.length === 0 ? <p class="muted">{t('companiesEmpty')}</p> : null}
      <ul class="companies__list">
        {companies.map((c) => {
          const s = COMPANY_STATUS[c.status];
          return (
            <li key={c.id}>
              <a
                href={formatRoute({ screen: 'company', companyId: c.id, tab: 'general' })}
                aria-current={c.id === props.selectedId ? 'page' : undefined}
                class="companies__item"
                data-testid="company-link"
                data-nip={c.nip}
              >
                <span class="companies__name">{c.name}</span>
                <span class="companies__meta">
                  {t('nip')} {c.nip} · {environmentLabel(c.environment, t, props.environments)}
                </span>
                <Badge tone={s.tone}>{t(s.key)}</Badge>
              </a>
            </li>
          );
        })}
      </ul>
      {props.onAdd ? (
        <p class="companies__add">
          <button
            type="button"
            class="button button--primary"
            disabled={props.addBlockedBy !== null && props.addBlockedBy !== undefined}
            aria-describedby={props.addBlockedBy ? 'companies-add-blocked' : undefined}
            onClick={props.onAdd}
          >
            {t('addCompany')}
          </button>
          {props.addBlockedBy ? (
            <span id="companies-add-blocked" class="field__hint companies__add-hint">
              {props.addBlockedBy}
            </span>
          ) : null}
        </p>
      ) : null}
    </nav>
  );
}
