/**
 * A new KSeF token's secret, shown once (KSeF will never show it again; the wallet already sealed
 * it). It is a text node only — never an attribute, a URL or a log line — with a "Copy" button that
 * clears the clipboard after 60 s, and the ERP help page's security advice. Closing the dialog
 * drops the secret from the page.
 */
import { useState } from 'preact/hooks';
import type { Translate } from '../../app/strings.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { copySecret } from './copy-secret.ts';

export function TokenSecretDialog(props: {
  secret: string | null;
  referenceNumber: string;
  onClose(): void;
  t: Translate;
}) {
  const { t } = props;
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  return (
    <Dialog
      open={props.secret !== null}
      title={t('tokenSecretTitle')}
      closeLabel={t('tokenSecretClose')}
      onClose={() => {
        setCopied('no');
        props.onClose();
      }}
      testId="token-secret"
      actions={
        <button
          type="button"
          class="button button--primary"
          onClick={async () => {
            if (!props.secret) return;
            setCopied((await copySecret(navigator.clipboard, props.secret)) ? 'yes' : 'failed');
          }}
        >
          {t('copy')}
        </button>
      }
    >
      <p class="notice notice--warn">{t('tokenSecretOnce')}</p>
      <p>
        {t('referenceNumber')}: <code>{props.referenceNumber}</code>
      </p>
      <p class="secret">
        <span class="secret__label">{t('tokenSecretLabel')}</span>
        <code class="secret__value" data-testid="token-secret-value">
          {props.secret}
        </code>
      </p>
      <p role="status" class="small">
        {copied === 'yes' ? t('copiedClears') : copied === 'failed' ? t('copyFailed') : ''}
      </p>
      <ul class="advice">
        <li>{t('seedAdvice1')}</li>
        <li>{t('seedAdvice2')}</li>
        <li>{t('seedAdvice3')}</li>
      </ul>
    </Dialog>
  );
}
