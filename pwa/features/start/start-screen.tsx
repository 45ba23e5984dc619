/**
 * The start screen: what needs attention across all companies (certificates near `validTo`, refresh
 * tokens, the token sunset), what was resumed after a crash or a closed tab, and the extension's
 * state (with the install guide when it is missing).
 */
import type { ComponentChildren } from 'preact';
import type { Locale } from '../../../shared/i18n/translate.ts';
import type { Translate } from '../../app/strings.ts';
import { AttentionSummary } from '../attention/attention-summary.tsx';
import type { AttentionItem } from '../attention/needs-attention.ts';
import { ExtensionStatusSection } from '../extension-status/extension-status.tsx';
import type { ExtensionStatus } from '../extension-status/use-extension-status.ts';

export function StartScreen(props: {
  attention: readonly AttentionItem[];
  extension: ExtensionStatus;
  recheckExtension(): void;
  locale: Locale;
  t: Translate;
  /** Notices above the summary (what was resumed). */
  children?: ComponentChildren;
}) {
  const { t, locale } = props;
  return (
    <div class="stack" data-testid="start">
      {props.children}
      <AttentionSummary items={props.attention} t={t} locale={locale} />
      <ExtensionStatusSection status={props.extension} recheck={props.recheckExtension} t={t} />
    </div>
  );
}
