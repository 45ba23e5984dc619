/**
 * "Confirm with the wallet passphrase" (SECURITY.md §4: export, reveal, refresh grants, Credentials*
 * tokens, revoke and approvals need it re-entered). The passphrase goes straight to the key worker
 * with the action; this dialog keeps it only while open and clears it on close.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import type { Translate } from '../app/strings.ts';
import { Dialog } from './dialog.tsx';

export function PassphraseDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm(passphrase: string): void;
  onClose(): void;
  busy?: boolean;
  error?: string | null;
  children?: ComponentChildren;
  t: Translate;
}) {
  const { t } = props;
  const id = useId();
  const [passphrase, setPassphrase] = useState('');
  useEffect(() => {
    if (!props.open) setPassphrase('');
  }, [props.open]);
  return (
    <Dialog
      open={props.open}
      title={props.title}
      closeLabel={t('cancel')}
      onClose={props.onClose}
      onSubmit={() => {
        if (passphrase) props.onConfirm(passphrase);
      }}
      testId="passphrase-dialog"
      actions={
        <button type="submit" class="button button--primary" disabled={!passphrase || props.busy}>
          {props.confirmLabel}
        </button>
      }
    >
      {props.children}
      <div class="field">
        <label for={id}>{t('confirmWithPassphrase')}</label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onInput={(e) => setPassphrase(e.currentTarget.value)}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? `${id}-error` : undefined}
        />
        {props.error ? (
          <p id={`${id}-error`} class="field__error" role="alert">
            {props.error}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}
