/**
 * "Wygeneruj token KSeF": the key worker writes the intent, calls POST /tokens, seals the secret in
 * the vault, and only then returns it — the one time the page sees a secret (to show it once). The
 * description gets the wallet's intent nonce appended (SECURITY.md T12). Credentials* permissions
 * need the passphrase re-entered (SECURITY.md §4).
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';
import type { TokenPermission } from '../../vault/records.ts';

export const TOKEN_DESCRIPTION = Object.freeze({
  MIN: 5,
  /** 256 at KSeF, minus the nonce the vault appends (" KW-" + 12 hex digits). */
  MAX: 240,
});

export const needsPassphrase = (permissions: Iterable<TokenPermission>) =>
  [...permissions].some((p) => p === 'CredentialsManage' || p === 'CredentialsRead');

export type TokenFormProblem = 'permissions' | 'description';

export function checkTokenForm(input: {
  description: string;
  permissions: ReadonlySet<TokenPermission>;
}): TokenFormProblem | null {
  if (input.permissions.size === 0) return 'permissions';
  const d = input.description.trim();
  if (d.length < TOKEN_DESCRIPTION.MIN || d.length > TOKEN_DESCRIPTION.MAX) return 'description';
  return null;
}

export const generateKsefToken = (
  w: Pick<Wallet, 'flows'>,
  input: {
    companyId: string;
    description: string;
    permissions: readonly TokenPermission[];
    passphrase?: string;
  },
  o?: FlowCallOptions,
) =>
  w.flows.call(
    'generateToken',
    {
      companyId: input.companyId,
      description: input.description.trim(),
      permissions: input.permissions,
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
    },
    o,
  );
