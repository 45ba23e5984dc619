/**
 * "Tokeny" / Tokens, in the steps of the ERP help page (seed/000 §3): "Get tokens" (the list from
 * KSeF), the "KSeF permissions" dialog (each permission explained) and a description →
 * "Generate KSeF token" (the secret shown once, after it was sealed), the "Default" column, "Log in
 * with KSeF token" and "Deactivate" — with the advice to grant the fewest permissions and revoke at
 * once on a leak, and the token sunset count-down.
 */
import { useId, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { useAction } from '../../app/use-action.ts';
import type { Wallet } from '../../app/wallet.ts';
import type { GeneratedTokenView, KsefTokenRow } from '../../flows/flow-api.ts';
import { ActionButton } from '../../ui/action-button.tsx';
import { ActionStatus } from '../../ui/action-status.tsx';
import { Badge, type BadgeTone } from '../../ui/badge.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { TextField } from '../../ui/field.tsx';
import { Section } from '../../ui/section.tsx';
import type { TokenStatus } from '../../vault/records.ts';
import type { TokenView } from '../../vault/vault-api.ts';
import { logInWithToken } from '../login/log-in-with-token.ts';
import { awaitTokenActive } from '../tokens/await-token-active.ts';
import {
  checkTokenForm,
  generateKsefToken,
  needsPassphrase,
  TOKEN_DESCRIPTION,
} from '../tokens/generate-ksef-token.ts';
import { listKsefTokens } from '../tokens/list-ksef-tokens.ts';
import { PERMISSION_LABELS, PermissionsDialog, type TokenPermission } from '../tokens/permissions-dialog.tsx';
import { revokeKsefToken } from '../tokens/revoke-ksef-token.ts';
import { setDefaultToken } from '../tokens/set-default-token.ts';
import { TokenSecretDialog } from '../tokens/token-secret-dialog.tsx';
import { CompanySunsetNotice } from './company-sunset-notice.tsx';
import type { CompanyView } from './company-view.ts';
import { DefaultCell } from './default-cell.tsx';
import { displayName, formatDate, inWalletLabel } from './format.ts';
import type { MigrationProgress } from './migration-progress.ts';
import { PassphraseActionDialog } from './passphrase-action-dialog.tsx';
import { type ActionScope, RunButton } from './run-button.tsx';
import { loggedInMessage } from './session-messages.ts';

export const TOKEN_STATUS: Readonly<Record<TokenStatus, { key: AppStringKey; tone: BadgeTone }>> =
  Object.freeze({
    Pending: { key: 'tokenStatusPending', tone: 'info' },
    Active: { key: 'tokenStatusActive', tone: 'ok' },
    Revoking: { key: 'tokenStatusRevoking', tone: 'warn' },
    Revoked: { key: 'tokenStatusRevoked', tone: 'muted' },
    Failed: { key: 'tokenStatusFailed', tone: 'danger' },
  });

type Revoke = { readonly referenceNumber: string; readonly label: string };
type Generate = { readonly description: string; readonly permissions: readonly TokenPermission[] };

export function TokensTab(props: {
  company: CompanyView;
  tokens: readonly TokenView[];
  wallet: Wallet | null;
  blocked: string | null;
  vaultBlocked: string | null;
  migration: MigrationProgress;
  nowMs: number;
  locale: Locale;
  t: Translate;
}) {
  const { company, wallet, t, locale } = props;
  const id = useId();
  const action = useAction(t, locale);
  const activation = useAction(t, locale);
  const [permissionsOpen, setPermissionsOpen] = useState(false);
  const [permissions, setPermissions] = useState<ReadonlySet<TokenPermission>>(new Set());
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState(false);
  const [generated, setGenerated] = useState<GeneratedTokenView | null>(null);
  const [ksefList, setKsefList] = useState<readonly KsefTokenRow[] | null>(null);
  const [confirmGenerate, setConfirmGenerate] = useState<Generate | null>(null);
  const [revoking, setRevoking] = useState<Revoke | null>(null);
  const blocked = props.blocked;
  const busy = action.state.running !== null;
  const ksef: ActionScope = { action, wallet, blocked };
  const vault: ActionScope = { action, wallet, blocked: props.vaultBlocked };
  const problem = checkTokenForm({ description, permissions });

  const generate = async (input: Generate, passphrase?: string) => {
    if (!wallet) return undefined;
    const r = await action.run(
      'generate',
      (o) =>
        generateKsefToken(
          wallet,
          { companyId: company.id, ...input, ...(passphrase ? { passphrase } : {}) },
          o,
        ),
      (v) => {
        setGenerated(v);
        setDescription('');
        setPermissions(new Set());
        setTouched(false);
        return t('tokenGenerated', { ref: v.referenceNumber });
      },
    );
    if (r?.ok) {
      // Activation runs on while the secret is shown; the write-ahead covers a closed tab.
      void activation.run(
        'activate',
        (o) => awaitTokenActive(wallet, r.value.tokenId, o),
        (tok) => t('tokenActivated', { ref: tok.referenceNumber }),
      );
    }
    return r;
  };

  /** "Dezaktywuj" on a row of either list, for a token KSeF still honours (Active or Pending). */
  const deactivateButton = (token: { status: TokenStatus; referenceNumber: string }, label: string) =>
    token.status === 'Active' || token.status === 'Pending' ? (
      <ActionButton
        look="small-danger"
        blocked={blocked}
        busy={busy}
        onClick={() => setRevoking({ referenceNumber: token.referenceNumber, label })}
      >
        {t('deactivate')}
      </ActionButton>
    ) : null;

  const refreshKsefList = async () => {
    if (!wallet) return;
    await action.run(
      'list',
      (o) => listKsefTokens(wallet, company.id, o),
      (rows) => {
        setKsefList(rows);
      },
    );
  };

  return (
    <div class="stack">
      <CompanySunsetNotice
        company={company}
        migration={props.migration}
        nowMs={props.nowMs}
        locale={locale}
        t={t}
      />
      <ActionStatus state={action.state} onCancel={action.cancel} t={t} testId="tokens" />
      <ActionStatus state={activation.state} t={t} testId="token-activation" />

      <Section headingId={`${id}-gen-h`} title={t('generateTitle')}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(true);
            if (problem || blocked || busy) return;
            const input = { description, permissions: [...permissions] };
            if (needsPassphrase(permissions)) setConfirmGenerate(input);
            else void generate(input);
          }}
        >
          <div class="field">
            <span class="field__label" id={`${id}-perm-label`}>
              {t('ksefPermissions')}
            </span>
            <p class="actions">
              <button
                type="button"
                class="button"
                aria-describedby={`${id}-perm-chosen`}
                onClick={() => setPermissionsOpen(true)}
              >
                {t('ksefPermissions')}
                {permissions.size > 0 ? ` (${permissions.size})` : ''}
              </button>
              <span id={`${id}-perm-chosen`} class="field__hint" data-testid="chosen-permissions">
                {permissions.size > 0
                  ? t('permissionsChosen', {
                      list: [...permissions].map((p) => t(PERMISSION_LABELS[p][0])).join(', '),
                    })
                  : t('permissionsNone')}
              </span>
            </p>
            {touched && problem === 'permissions' ? (
              <p class="field__error" role="alert">
                {t('permissionsRequired')}
              </p>
            ) : null}
          </div>
          <TextField
            label={t('description')}
            name="tokenDescription"
            value={description}
            onInput={setDescription}
            maxLength={TOKEN_DESCRIPTION.MAX}
            hint={t('descriptionHint')}
            error={touched && problem === 'description' ? t('descriptionInvalid') : null}
          />
          <p class="actions">
            <button type="submit" class="button button--primary" disabled={blocked !== null || busy}>
              {t('generateKsefToken')}
            </button>
            {blocked ? <span class="field__hint">{blocked}</span> : null}
          </p>
        </form>
        <p class="muted small">{t('tokenAdvice')}</p>
      </Section>

      <Section headingId={`${id}-mine-h`} title={t('walletTokens')}>
        <DataTable
          empty={<p class="muted">{t('walletTokensEmpty')}</p>}
          testId="wallet-tokens"
          columns={[
            t('description'),
            t('ksefPermissions'),
            t('statusLabel'),
            t('created'),
            t('default'),
            t('actionsColumn'),
          ]}
        >
          {props.tokens.map((tok) => {
            const label = displayName(tok.description);
            const s = TOKEN_STATUS[tok.status];
            return (
              <tr key={tok.id} data-token={tok.id} data-status={tok.status} data-ref={tok.referenceNumber}>
                <th scope="row">
                  {label}
                  <br />
                  <code class="small">{tok.referenceNumber}</code>
                </th>
                <td>{tok.permissions.map((p) => t(PERMISSION_LABELS[p][0])).join(', ')}</td>
                <td>
                  <Badge tone={s.tone}>{t(s.key)}</Badge>
                </td>
                <td>{formatDate(tok.createdAt, locale)}</td>
                <DefaultCell
                  isDefault={tok.isDefault === 1}
                  eligible={tok.status === 'Active'}
                  name={label}
                  testId="default-token"
                  scope={vault}
                  makeDefault={(w) => setDefaultToken(w.vault, tok.id)}
                  doneKey="defaultTokenSet"
                  t={t}
                />
                <td>
                  <div class="actions">
                    {tok.status === 'Active' ? (
                      <RunButton
                        look="small"
                        scope={ksef}
                        name="login"
                        run={(w, o) => logInWithToken(w, company.id, tok.id, o)}
                        done={(v) => loggedInMessage(v, t)}
                      >
                        {t('loginKsefToken')}
                      </RunButton>
                    ) : null}
                    {deactivateButton(tok, label)}
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      </Section>

      <Section headingId={`${id}-ksef-h`} title={t('ksefTokens')}>
        <p class="actions">
          <ActionButton blocked={blocked} busy={busy} onClick={() => void refreshKsefList()}>
            {t('getTokens')}
          </ActionButton>
        </p>
        {ksefList === null ? null : (
          <DataTable
            empty={<p class="muted">{t('ksefTokensEmpty')}</p>}
            testId="ksef-tokens"
            columns={[
              t('description'),
              t('statusLabel'),
              t('author'),
              t('created'),
              t('inWallet'),
              t('actionsColumn'),
            ]}
          >
            {ksefList.map((k) => {
              const label = displayName(k.description);
              return (
                <tr key={k.referenceNumber} data-ref={k.referenceNumber} data-status={k.status}>
                  <th scope="row">
                    {label}
                    <br />
                    <code class="small">{k.referenceNumber}</code>
                  </th>
                  <td>
                    <Badge tone={TOKEN_STATUS[k.status].tone}>{t(TOKEN_STATUS[k.status].key)}</Badge>
                  </td>
                  <td>{k.author}</td>
                  <td>{formatDate(k.dateCreated, locale)}</td>
                  <td>{inWalletLabel(Boolean(k.tokenId), k.isDefault, t)}</td>
                  <td>{deactivateButton(k, label)}</td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Section>

      <PermissionsDialog
        open={permissionsOpen}
        selected={permissions}
        onChange={setPermissions}
        onClose={() => setPermissionsOpen(false)}
        t={t}
      />
      <TokenSecretDialog
        secret={generated?.secret ?? null}
        referenceNumber={generated?.referenceNumber ?? ''}
        onClose={() => setGenerated(null)}
        t={t}
      />
      <PassphraseActionDialog
        open={confirmGenerate !== null}
        title={t('generateKsefToken')}
        confirmLabel={t('generateKsefToken')}
        busy={busy}
        onClose={() => setConfirmGenerate(null)}
        confirm={async (passphrase) => (confirmGenerate ? generate(confirmGenerate, passphrase) : undefined)}
        locale={locale}
        t={t}
      >
        <p>{t('credentialsNeedPassphrase')}</p>
      </PassphraseActionDialog>
      <PassphraseActionDialog
        open={revoking !== null}
        title={t('deactivateTokenTitle', { name: revoking?.label ?? '' })}
        confirmLabel={t('deactivate')}
        busy={busy}
        onClose={() => setRevoking(null)}
        confirm={async (passphrase) => {
          const target = revoking;
          if (!wallet || !target) return undefined;
          return action.run(
            'revoke',
            (o) =>
              revokeKsefToken(
                wallet,
                { companyId: company.id, referenceNumber: target.referenceNumber, passphrase },
                o,
              ),
            (v) =>
              t('tokenDeactivated', { ref: target.referenceNumber, status: t(TOKEN_STATUS[v.status].key) }),
          );
        }}
        onDone={() => {
          if (ksefList) void refreshKsefList();
        }}
        locale={locale}
        t={t}
      >
        <p>{t('deactivateTokenExplain')}</p>
      </PassphraseActionDialog>
    </div>
  );
}
