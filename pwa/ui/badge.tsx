/** A short status word with a colour; the word itself carries the meaning (never colour alone). */
export type BadgeTone = 'ok' | 'info' | 'warn' | 'danger' | 'muted';

export function Badge(props: { tone: BadgeTone; children: string; label?: string }) {
  return (
    <span class={`badge badge--${props.tone}`} title={props.label}>
      {props.children}
    </span>
  );
}
