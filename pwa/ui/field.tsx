/**
 * A labelled text input with an optional hint and error, both tied to the input through
 * `aria-describedby`, and `aria-invalid` set while the error shows.
 */
import { useId } from 'preact/hooks';

export function TextField(props: {
  label: string;
  name: string;
  value: string;
  onInput(value: string): void;
  hint?: string;
  error?: string | null;
  required?: boolean;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'url';
  maxLength?: number;
}) {
  const { label, hint, error } = props;
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={props.name}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        required={props.required}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        aria-describedby={described || undefined}
        aria-invalid={error ? 'true' : undefined}
      />
      {hint ? (
        <p id={`${id}-hint`} class="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} class="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
