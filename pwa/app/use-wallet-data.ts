/**
 * The vault's clear metadata as the screens show it: status, companies, certificates, tokens,
 * sessions, pending work and the activity log. All of it is readable while the vault is locked and
 * offline (the offline view); it is read again whenever the vault announces a change (from this tab
 * or any other) and after unlock.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type {
  ActivityView,
  CertificateView,
  CompanyView,
  PendingView,
  SessionView,
  TokenView,
  Vault,
  VaultStatus,
} from '../vault/vault-api.ts';

export type WalletLists = {
  readonly companies: readonly CompanyView[];
  readonly certificates: readonly CertificateView[];
  readonly tokens: readonly TokenView[];
  readonly sessions: readonly SessionView[];
  readonly pending: readonly PendingView[];
  readonly activity: readonly ActivityView[];
};

export const EMPTY_LISTS: WalletLists = Object.freeze({
  companies: [],
  certificates: [],
  tokens: [],
  sessions: [],
  pending: [],
  activity: [],
});

export type WalletData = {
  /** null until the key worker first answered. */
  readonly status: VaultStatus | null;
  readonly lists: WalletLists;
  /** The worker did not answer (a broken profile, storage blocked). */
  readonly unavailable: boolean;
  reload(): void;
};

export async function readLists(vault: Vault): Promise<WalletLists> {
  const [companies, certificates, tokens, sessions, pending, activity] = await Promise.all([
    vault.listCompanies(),
    vault.listCertificates(),
    vault.listTokens(),
    vault.listSessions(),
    vault.pendingWork(),
    vault.listActivity({ limit: 500 }),
  ]);
  return { companies, certificates, tokens, sessions, pending, activity };
}

export function useWalletData(
  vault: Vault | null,
  subscribe: (onChange: () => void) => () => void,
): WalletData {
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [lists, setLists] = useState<WalletLists>(EMPTY_LISTS);
  const [unavailable, setUnavailable] = useState(false);
  const generation = useRef(0);

  const reload = useCallback(() => {
    if (!vault) return;
    const mine = ++generation.current;
    void (async () => {
      try {
        // Without a vault there is nothing to list, and asking would start the key worker for a
        // first visit that needs none (connect-vault.ts `startWhenNeeded`).
        const s = await vault.status();
        const l = s.state === 'absent' ? EMPTY_LISTS : await readLists(vault);
        if (mine !== generation.current) return;
        setStatus(s);
        setLists(l);
        setUnavailable(false);
      } catch {
        if (mine === generation.current) setUnavailable(true);
      }
    })();
  }, [vault]);

  useEffect(() => {
    reload();
    return subscribe(reload);
  }, [reload, subscribe]);

  return { status, lists, unavailable, reload };
}
