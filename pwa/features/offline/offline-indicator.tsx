import type { Translate } from '../../app/strings.ts';
import { Notice } from '../../ui/notice.tsx';

/** Shown under the top bar while offline, so a disabled KSeF action never looks broken. */
export function OfflineBanner(props: { online: boolean; t: Translate }) {
  if (props.online) return null;
  return (
    <Notice tone="warn" title={props.t('offline')} testId="offline-banner">
      <p>{props.t('offlineExplain')}</p>
    </Notice>
  );
}
