/**
 * "Confirm with the wallet passphrase" for one action of a tab (revoke a certificate, deactivate a
 * token, generate one with Credentials* permissions; SECURITY.md §4): the confirmation runs the
 * action, the dialog closes when it succeeded and otherwise says inside itself what went wrong, so
 * the user can try again. An action that did not run (another one was running) changes nothing.
 * The error of an earlier attempt is gone when the dialog opens again.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import type { FlowResult } from '../../flows/flow-api.ts';
import { PassphraseDialog } from '../../ui/passphrase-dialog.tsx';
import { describeError } from '../errors/describe-error.ts';

export function PassphraseActionDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy: boolean;
  onClose(): void;
  /** Runs the action with the re-entered passphrase; `undefined` when it did not run. */
  confirm(passphrase: string): Promise<FlowResult<unknown> | undefined>;
  /** After the action succeeded and the dialog closed (read a list again). */
  onDone?(): void;
  locale: Locale;
  t: Translate;
  children: ComponentChildren;
}) {
  const { t, locale } = props;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.open) setError(null);
  }, [props.open]);
  return (
    <PassphraseDialog
      open={props.open}
      title={props.title}
      confirmLabel={props.confirmLabel}
      busy={props.busy}
      error={error}
      onClose={props.onClose}
      onConfirm={async (passphrase) => {
        const r = await props.confirm(passphrase);
        if (r?.ok) {
          props.onClose();
          props.onDone?.();
        } else if (r) setError(describeError(r.error, t, locale).message);
      }}
      t={t}
    >
      {props.children}
    </PassphraseDialog>
  );
}
