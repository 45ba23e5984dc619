/**
 * A modal on the native `<dialog>`: the browser traps focus, makes the rest inert, closes on
 * Escape and returns focus to the opener — nothing to hand-roll.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

export function Dialog(props: {
  open: boolean;
  title: string;
  closeLabel: string;
  onClose(): void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId} onClose={props.onClose}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div class="dialog__actions">
        <button type="button" onClick={props.onClose}>
          {props.closeLabel}
        </button>
      </div>
    </dialog>
  );
}
