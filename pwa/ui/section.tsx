/**
 * A titled part of a tab (enrollment, the wallet's certificates, KSeF's list…): its heading names
 * the section for screen readers through `aria-labelledby`.
 */
import type { ComponentChildren } from 'preact';

export function Section(props: { headingId: string; title: string; children: ComponentChildren }) {
  return (
    <section class="section" aria-labelledby={props.headingId}>
      <h3 id={props.headingId}>{props.title}</h3>
      {props.children}
    </section>
  );
}
