import type { Translate } from '../../app/strings.ts';
import { Notice } from '../../ui/notice.tsx';
import type { ExtensionStatus } from './use-extension-status.ts';

/** The extension's state on the start screen: connected with its environments, or how to install it. */
export function ExtensionStatusSection(props: { status: ExtensionStatus; recheck(): void; t: Translate }) {
  const { status, t } = props;
  if (status.kind === 'checking') return <p role="status">{t('extensionChecking')}</p>;
  if (status.kind === 'missing') return <ExtensionMissing recheck={props.recheck} t={t} />;
  return (
    <section aria-labelledby="envs-heading" class="card">
      <p role="status" data-testid="extension-status" data-state="connected">
        {t('extensionConnected', { version: status.version })}
      </p>
      <h2 id="envs-heading">{t('environments')}</h2>
      <ul class="env-list">
        {status.environments.map((e) => (
          <li key={e.id}>
            {e.label} — <code>{e.baseUrl}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The clear screen for a missing extension: why it is needed and how to install it. */
export function ExtensionMissing(props: { recheck(): void; t: Translate }) {
  const { t } = props;
  return (
    <section aria-labelledby="ext-missing-heading" class="card card--warn" data-testid="extension-missing">
      <h2 id="ext-missing-heading">{t('extensionMissingTitle')}</h2>
      <div data-testid="extension-status" data-state="missing">
        <Notice tone="warn" role="alert">
          <p>{t('extensionMissing')}</p>
        </Notice>
      </div>
      <p>{t('extensionWhy')}</p>
      <ol class="steps">
        <li>{t('extensionStep1')}</li>
        <li>{t('extensionStep2')}</li>
        <li>{t('extensionStep3')}</li>
      </ol>
      <p>
        <button type="button" class="button button--primary" onClick={props.recheck}>
          {t('extensionRetry')}
        </button>
      </p>
      <p class="muted">{t('extensionOfflineNote')}</p>
    </section>
  );
}
