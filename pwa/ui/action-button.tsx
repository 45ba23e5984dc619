/**
 * A button among a section's actions. It is off while the section's actions cannot run
 * (`blocked`: offline, no extension, locked — the screen says why beside them), while one of them
 * runs (`busy`: one action at a time per section), or for a reason of its own (`off`: no refresh
 * token, already redeemed, no default credential).
 */
import type { ComponentChildren } from 'preact';

const LOOK = Object.freeze({
  plain: 'button',
  primary: 'button button--primary',
  small: 'button button--small',
  'small-danger': 'button button--small button--danger',
});

export type ActionButtonLook = keyof typeof LOOK;

export type ActionButtonProps = {
  look?: ActionButtonLook;
  blocked: string | null;
  busy: boolean;
  off?: boolean;
  /** The accessible name, where the text alone does not say which row the button acts on. */
  label?: string;
  /** The id of the hint that says why the button is off. */
  describedBy?: string;
  children: ComponentChildren;
};

export function ActionButton(props: ActionButtonProps & { onClick(): void }) {
  return (
    <button
      type="button"
      class={LOOK[props.look ?? 'plain']}
      disabled={props.blocked !== null || props.busy || props.off === true}
      aria-label={props.label}
      aria-describedby={props.describedBy}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}
