/**
 * "Log in with signed authorization request": a file picker that checks the file at once and
 * names the exact problem, instead of sending a wrong file to KSeF.
 */
import { useId, useState } from 'preact/hooks';
import type { Translate } from '../../app/strings.ts';
import { checkSignedFile, type SignedFileExpectations } from './check-signed-file.ts';
import { signedFileMessage } from './signed-file-message.ts';

export function SignedFilePicker(props: {
  expected: SignedFileExpectations | null;
  disabledReason: string | null;
  onSigned(bytes: Uint8Array): void;
  t: Translate;
}) {
  const { t } = props;
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const disabled = props.disabledReason !== null || props.expected === null;
  return (
    <div class="field">
      <label for={id}>{t('loginSignedRequest')}</label>
      <input
        id={id}
        type="file"
        accept=".xml,application/xml,text/xml"
        disabled={disabled}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? 'true' : undefined}
        onChange={async (e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          if (!file || !props.expected) return;
          const bytes = new Uint8Array(await file.arrayBuffer());
          // Cleared, so that picking the same file again (signed anew) is a change too.
          input.value = '';
          const check = await checkSignedFile(
            { subtle: crypto.subtle, nowMs: Date.now() },
            bytes,
            props.expected,
          );
          if (!check.ok) {
            const where = check.element ? ` ${t('fileElement', { element: check.element })}` : '';
            return setError(`${t(signedFileMessage(check.problem))}${where}`);
          }
          setError(null);
          setInfo(check.request === null ? t('fileSignatureUnchecked') : null);
          props.onSigned(check.bytes);
        }}
      />
      <p id={`${id}-hint`} class="field__hint">
        {props.disabledReason ?? t('signedFile')}
      </p>
      {info ? (
        <p class="field__hint" role="status">
          {info}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} class="field__error" role="alert" data-testid="signed-file-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
