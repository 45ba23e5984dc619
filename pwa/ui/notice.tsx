/**
 * A message box. `alert` is announced at once by screen readers (errors, a missing extension);
 * `status` politely (progress, offline).
 */
import type { ComponentChildren } from 'preact';

export function Notice(props: {
  tone: 'info' | 'warn' | 'danger' | 'ok';
  role?: 'status' | 'alert' | 'note';
  title?: string;
  testId?: string;
  children: ComponentChildren;
}) {
  const role = props.role ?? 'status';
  return (
    <div
      class={`notice notice--${props.tone}`}
      role={role === 'note' ? undefined : role}
      data-testid={props.testId}
    >
      {props.title ? <p class="notice__title">{props.title}</p> : null}
      {props.children}
    </div>
  );
}
