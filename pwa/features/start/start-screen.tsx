/** The start screen: what needs attention across all companies, and the extension's state. */
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
}) {
  const { t, locale } = props;
  return (
    <div class="stack" data-testid="start">
      <ExtensionStatusSection status={props.extension} recheck={props.recheckExtension} t={t} />
      <AttentionSummary items={props.attention} t={t} locale={locale} />
    </div>
  );
}
