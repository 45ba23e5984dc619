/** What the start (or an unlock) resumed of the work a crash, a closed tab or a lost network left. */
import type { Translate } from '../../app/strings.ts';
import type { ResumeReport } from '../../flows/flow-api.ts';
import { Notice } from '../../ui/notice.tsx';

export function ResumedNotice(props: { report: ResumeReport; t: Translate }) {
  const { report: r, t } = props;
  const lines = [
    r.tokensActivated > 0 ? t('resumedTokens', { n: r.tokensActivated }) : null,
    r.tokensFailed > 0 ? t('resumedTokensFailed', { n: r.tokensFailed }) : null,
    r.orphansRevoked > 0 ? t('resumedOrphans', { n: r.orphansRevoked }) : null,
    r.certificatesRetrieved > 0 ? t('resumedCertificates', { n: r.certificatesRetrieved }) : null,
    r.enrollmentsRejected > 0 ? t('resumedRejected', { n: r.enrollmentsRejected }) : null,
    r.waiting > 0 ? t('resumedWaiting', { n: r.waiting }) : null,
  ].filter((x): x is string => x !== null);
  if (lines.length === 0) return null;
  return (
    <Notice
      tone={r.waiting > 0 || r.tokensFailed > 0 ? 'warn' : 'ok'}
      title={t('resumedTitle')}
      testId="resumed"
    >
      <ul>
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
    </Notice>
  );
}
