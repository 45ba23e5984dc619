/**
 * Settings: language (localStorage: not a secret, and needed before unlock), and — with the vault —
 * lock now, the auto-lock time, the passphrase change and backup export / import. Custom sandbox
 * URLs are added in the extension's options, never here (SECURITY.md T6). ERP approvals are the
 * hand-off's section (pwa/features/handoff), passed in as `children`.
 */
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { LOCALES, type Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { Notice } from '../../ui/notice.tsx';
import type { BackupPreview, CompanyView, Vault, VaultStatus } from '../../vault/vault-api.ts';
import { describeVaultError } from '../errors/describe-vault-error.ts';
import { PassphraseMeter, usePassphraseStrength } from '../vault-setup/passphrase-meter.tsx';
import { AutoLockSelect } from './auto-lock-select.tsx';
import { changePassphrase } from './change-passphrase.ts';
import { exportBackup } from './export-backup.ts';
import { importBackup, previewBackup, readBackupFile } from './import-backup.ts';
import { lockWallet } from './lock-wallet.ts';
import { setAutoLock } from './set-auto-lock.ts';

export function LanguageSelect(props: {
  locale: Locale;
  onChange(l: Locale): void;
  t: Translate;
  id: string;
}) {
  const { t } = props;
  return (
    <div class="field field--inline">
      <label for={props.id}>{t('language')}</label>
      <select
        id={props.id}
        value={props.locale}
        onChange={(e) => {
          const v = e.currentTarget.value;
          const next = LOCALES.find((l) => l === v);
          if (next) props.onChange(next);
        }}
      >
        <option value="pl" lang="pl">
          {t('languagePolish')}
        </option>
        <option value="en" lang="en">
          {t('languageEnglish')}
        </option>
      </select>
    </div>
  );
}

type Say = { readonly ok: string | null; readonly error: string | null };
const QUIET: Say = { ok: null, error: null };

function Outcome(props: { say: Say; testId: string }) {
  return (
    <>
      <p role="status" class="action-status__done" data-testid={`${props.testId}-done`}>
        {props.say.ok}
      </p>
      {props.say.error ? (
        <p class="field__error" role="alert" data-testid={`${props.testId}-error`}>
          {props.say.error}
        </p>
      ) : null}
    </>
  );
}

function PasswordField(props: {
  label: string;
  value: string;
  onInput(v: string): void;
  autoComplete: string;
  describedBy?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="password"
        autoComplete={props.autoComplete}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-describedby={props.describedBy}
      />
    </div>
  );
}

function SecuritySection(props: { vault: Vault; status: VaultStatus; locale: Locale; t: Translate }) {
  const { t, vault, locale } = props;
  const id = useId();
  const [idle, setIdle] = useState(props.status.idleMinutes);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [lockSay, setLockSay] = useState<Say>(QUIET);
  const [passSay, setPassSay] = useState<Say>(QUIET);
  const [busy, setBusy] = useState(false);
  const strength = usePassphraseStrength(vault, next);
  const unlocked = props.status.state === 'unlocked';
  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('settingsSecurity')}</h3>
      <p class="actions">
        <button
          type="button"
          class="button"
          disabled={!unlocked}
          onClick={() => void lockWallet(vault, 'user')}
        >
          {t('lockNow')}
        </button>
      </p>
      <AutoLockSelect
        id={`${id}-idle`}
        value={idle}
        t={t}
        onChange={async (n) => {
          setIdle(n);
          const r = await setAutoLock(vault, n);
          setLockSay(
            r.ok
              ? { ok: t('autoLockSaved', { n }), error: null }
              : { ok: null, error: describeVaultError(r.error, t, locale) },
          );
        }}
      />
      <p class="field__hint">{t('autoLockHint')}</p>
      <Outcome say={lockSay} testId="auto-lock" />

      <h4>{t('changePassphrase')}</h4>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const r = await changePassphrase(vault, { current, next, repeat });
          setBusy(false);
          if (r.ok) {
            setCurrent('');
            setNext('');
            setRepeat('');
            return setPassSay({ ok: t('passphraseChanged'), error: null });
          }
          setPassSay({
            ok: null,
            error:
              'problem' in r
                ? t(
                    r.problem === 'mismatch'
                      ? 'passphraseMismatch'
                      : r.problem === 'same'
                        ? 'passphraseSame'
                        : 'passphraseEmpty',
                  )
                : describeVaultError(r.error, t, locale),
          });
        }}
      >
        <PasswordField
          label={t('passphraseCurrent')}
          value={current}
          onInput={setCurrent}
          autoComplete="current-password"
        />
        <PasswordField
          label={t('passphraseNew')}
          value={next}
          onInput={setNext}
          autoComplete="new-password"
          describedBy={`${id}-meter`}
        />
        <PassphraseMeter id={`${id}-meter`} strength={strength} locale={locale} t={t} />
        <PasswordField
          label={t('passphraseRepeat')}
          value={repeat}
          onInput={setRepeat}
          autoComplete="new-password"
        />
        <p class="actions">
          <button type="submit" class="button button--primary" disabled={!unlocked || busy}>
            {t('changePassphrase')}
          </button>
        </p>
        <Outcome say={passSay} testId="passphrase" />
      </form>
    </section>
  );
}

function BackupSection(props: {
  vault: Vault;
  status: VaultStatus;
  companies: readonly CompanyView[];
  locale: Locale;
  t: Translate;
}) {
  const { t, vault, locale } = props;
  const id = useId();
  const unlocked = props.status.state === 'unlocked';
  const [passphrase, setPassphrase] = useState('');
  const [backupPass, setBackupPass] = useState('');
  const [backupRepeat, setBackupRepeat] = useState('');
  const [scope, setScope] = useState('');
  const [exportSay, setExportSay] = useState<Say>(QUIET);
  const [file, setFile] = useState<Uint8Array | null>(null);
  const [importPass, setImportPass] = useState('');
  const [preview, setPreview] = useState<BackupPreview | null>(null);
  const [importSay, setImportSay] = useState<Say>(QUIET);
  const [busy, setBusy] = useState(false);
  const strength = usePassphraseStrength(vault, backupPass);
  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('settingsBackup')}</h3>
      <h4>{t('backupExport')}</h4>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const r = await exportBackup(vault, {
            passphrase,
            backupPassphrase: backupPass,
            repeat: backupRepeat,
            ...(scope ? { companyId: scope } : {}),
          });
          setBusy(false);
          if (r.ok) {
            setPassphrase('');
            setBackupPass('');
            setBackupRepeat('');
            return setExportSay({
              ok: t('backupExported', {
                file: r.value.fileName,
                companies: r.value.companies,
                certificates: r.value.certificates,
                excluded: r.value.keysExcluded,
                tokens: r.value.tokens,
              }),
              error: null,
            });
          }
          setExportSay({
            ok: null,
            error:
              'problem' in r
                ? t(r.problem === 'mismatch' ? 'passphraseMismatch' : 'passphraseEmpty')
                : describeVaultError(r.error, t, locale),
          });
        }}
      >
        <div class="field">
          <label for={`${id}-scope`}>{t('backupScope')}</label>
          <select id={`${id}-scope`} value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
            <option value="">{t('backupAll')}</option>
            {props.companies.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.nip})
              </option>
            ))}
          </select>
        </div>
        <PasswordField
          label={t('confirmWithPassphrase')}
          value={passphrase}
          onInput={setPassphrase}
          autoComplete="current-password"
        />
        <PasswordField
          label={t('backupPassphrase')}
          value={backupPass}
          onInput={setBackupPass}
          autoComplete="new-password"
          describedBy={`${id}-bmeter`}
        />
        <PassphraseMeter id={`${id}-bmeter`} strength={strength} locale={locale} t={t} />
        <PasswordField
          label={t('passphraseRepeat')}
          value={backupRepeat}
          onInput={setBackupRepeat}
          autoComplete="new-password"
        />
        <p class="field__hint">{t('backupPassphraseHint')}</p>
        <p class="actions">
          <button type="submit" class="button button--primary" disabled={!unlocked || busy}>
            {t('backupExport')}
          </button>
        </p>
        <Outcome say={exportSay} testId="backup-export" />
      </form>

      <h4>{t('backupImport')}</h4>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file || !importPass) return;
          setBusy(true);
          if (!preview) {
            const r = await previewBackup(vault, file, importPass);
            setBusy(false);
            if (r.ok) {
              setPreview(r.value);
              return setImportSay({
                ok: t('backupPreviewCounts', {
                  add: r.value.counts.add,
                  same: r.value.counts.same,
                  update: r.value.counts.update,
                  keep: r.value.counts['keep-newer-in-vault'],
                }),
                error: null,
              });
            }
            return setImportSay({ ok: null, error: describeVaultError(r.error, t, locale) });
          }
          const r = await importBackup(vault, file, importPass);
          setBusy(false);
          setPreview(null);
          if (r.ok) {
            setImportPass('');
            return setImportSay({
              ok: t('backupImported', {
                added: r.value.added,
                updated: r.value.updated,
                unchanged: r.value.unchanged,
                approvals: r.value.approvalsToConfirm,
              }),
              error: null,
            });
          }
          setImportSay({ ok: null, error: describeVaultError(r.error, t, locale) });
        }}
      >
        <div class="field">
          <label for={`${id}-file`}>{t('backupFile')}</label>
          <input
            id={`${id}-file`}
            type="file"
            disabled={!unlocked}
            onChange={async (e) => {
              setPreview(null);
              setImportSay(QUIET);
              const f = e.currentTarget.files?.[0];
              if (!f) return setFile(null);
              const bytes = await readBackupFile(f);
              if (bytes === 'too-large') {
                setFile(null);
                return setImportSay({ ok: null, error: t('errorBackupTooLarge') });
              }
              setFile(bytes);
            }}
          />
        </div>
        <PasswordField
          label={t('backupPassphrase')}
          value={importPass}
          onInput={setImportPass}
          autoComplete="off"
        />
        <p class="actions">
          <button
            type="submit"
            class="button button--primary"
            disabled={!unlocked || busy || !file || !importPass}
          >
            {preview ? t('backupImportRun') : t('backupPreview')}
          </button>
        </p>
        <Outcome say={importSay} testId="backup-import" />
      </form>
    </section>
  );
}

export function SettingsScreen(props: {
  locale: Locale;
  onLocale(l: Locale): void;
  vault?: Vault | null;
  status?: VaultStatus | null;
  companies?: readonly CompanyView[];
  /** Sections other features add (the hand-off's ERP approvals). */
  children?: ComponentChildren;
  t: Translate;
}) {
  const { t, vault, status } = props;
  const available = vault && status && status.state !== 'absent';
  return (
    <section aria-labelledby="settings-heading" data-testid="settings">
      <h2 id="settings-heading">{t('settings')}</h2>
      <div class="card">
        <LanguageSelect id="settings-language" locale={props.locale} onChange={props.onLocale} t={t} />
      </div>
      {available ? (
        <>
          {status.state === 'locked' ? (
            <Notice tone="info" role="note">
              <p>{t('settingsLocked')}</p>
            </Notice>
          ) : null}
          <SecuritySection vault={vault} status={status} locale={props.locale} t={t} />
          <BackupSection
            vault={vault}
            status={status}
            companies={props.companies ?? []}
            locale={props.locale}
            t={t}
          />
        </>
      ) : (
        <Notice tone="info" role="note">
          <p>{t('settingsNoVault')}</p>
        </Notice>
      )}
      {props.children}
      <div class="card">
        <h3>{t('environments')}</h3>
        <p>{t('environmentsInExtension')}</p>
      </div>
    </section>
  );
}
