/**
 * A modal on the native `<dialog>`: the browser traps focus, makes the rest inert, closes on
 * Escape and returns focus to the opener — nothing to hand-roll. `actions` go before the close
 * button (a confirm dialog's "Confirm"); `onSubmit` turns the body into a form, so Enter submits.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export function Dialog(props: {
  open: boolean;
  title: string;
  closeLabel: string;
  onClose(): void;
  children: ComponentChildren;
  actions?: ComponentChildren;
  onSubmit?: () => void;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  const body = (
    <>
      {props.children}
      <div class="dialog__actions">
        {props.actions}
        <button type="button" onClick={props.onClose}>
          {props.closeLabel}
        </button>
      </div>
    </>
  );
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={titleId}
      onClose={props.onClose}
      data-testid={props.testId}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.onSubmit ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            props.onSubmit?.();
          }}
        >
          {body}
        </form>
      ) : (
        body
      )}
    </dialog>
  );
}
