/**
 * Is our extension installed and answering? Every KSeF call goes through it, so the whole UI
 * reads this one status; `recheck()` lets the user retry after installing without a reload.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { EnvironmentInfo } from '../../../shared/protocol/messages.ts';
import type { ExtensionLink } from '../../platform/extension-link.ts';

export type ExtensionStatus =
  | { readonly kind: 'checking' }
  | {
      readonly kind: 'connected';
      readonly version: string;
      readonly environments: readonly EnvironmentInfo[];
    }
  | { readonly kind: 'missing' };

export function useExtensionStatus(link: ExtensionLink): { status: ExtensionStatus; recheck(): void } {
  const [status, setStatus] = useState<ExtensionStatus>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    void (async () => {
      const ping = await link.call('ping', {});
      if (!live) return;
      if (!ping.ok) return setStatus({ kind: 'missing' });
      const envs = await link.call('environments.list', {});
      if (!live) return;
      setStatus({
        kind: 'connected',
        version: ping.value.extensionVersion,
        environments: envs.ok ? envs.value.environments : [],
      });
    })();
    return () => {
      live = false;
    };
  }, [link, attempt]);
  const recheck = useCallback(() => {
    setStatus({ kind: 'checking' });
    setAttempt((n) => n + 1);
  }, []);
  return { status, recheck };
}
