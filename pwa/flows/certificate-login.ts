/**
 * Which of the wallet's certificates can log in to KSeF: one KSeF issued and the wallet retrieved
 * (active, with its certificate), of the `Authentication` type — an `Offline` one is only for
 * offline invoices and cannot authenticate (REFERENCE §3.9) — with its private key in the vault.
 * The key worker refuses the others (login-flows.ts); the screens offer only these (company-view.ts).
 */
import type { CertificateView } from '../vault/vault-api.ts';

export const canLogInWithCertificate = (
  c: Pick<CertificateView, 'state' | 'certificateType' | 'hasPrivateKey' | 'hasCertificate'>,
): boolean =>
  c.state === 'active' && c.certificateType === 'Authentication' && c.hasPrivateKey && c.hasCertificate;
