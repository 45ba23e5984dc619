import { useEffect, useState } from 'preact/hooks';
import type { EnvironmentInfo } from '../../../shared/protocol/messages.ts';
import type { ExtensionLink } from '../../platform/extension-link.ts';

type Status =
  | { readonly kind: 'checking' }
  | {
      readonly kind: 'connected';
      readonly version: string;
      readonly environments: readonly EnvironmentInfo[];
    }
  | { readonly kind: 'missing' };

export function ExtensionStatus(props: {
  link: ExtensionLink;
  t: (
    k: 'extensionChecking' | 'extensionConnected' | 'extensionMissing' | 'environments',
    v?: Record<string, string>,
  ) => string;
}) {
  const { link, t } = props;
  const [status, setStatus] = useState<Status>({ kind: 'checking' });
  useEffect(() => {
    void (async () => {
      const ping = await link.call('ping', {});
      if (!ping.ok) return setStatus({ kind: 'missing' });
      const envs = await link.call('environments.list', {});
      setStatus({
        kind: 'connected',
        version: ping.value.extensionVersion,
        environments: envs.ok ? envs.value.environments : [],
      });
    })();
  }, [link]);

  if (status.kind === 'checking') return <p role="status">{t('extensionChecking')}</p>;
  if (status.kind === 'missing') {
    return (
      <p role="alert" data-testid="extension-status" data-state="missing">
        {t('extensionMissing')}
      </p>
    );
  }
  return (
    <section aria-labelledby="envs-heading">
      <p role="status" data-testid="extension-status" data-state="connected">
        {t('extensionConnected', { version: status.version })}
      </p>
      <h2 id="envs-heading">{t('environments')}</h2>
      <ul>
        {status.environments.map((e) => (
          <li key={e.id}>
            {e.label} — <code>{e.baseUrl}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
