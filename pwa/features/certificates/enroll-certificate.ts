/**
 * "Złóż wniosek o certyfikat" ("Certificate enrollment"): Name, Type, key type and "exclude from
 * backup" go to the key worker, which does the rest written ahead (certificate-flows.ts): limits,
 * enrollment data, key generated and wrapped, CSR, submit — and, when automatic, status polling and
 * retrieval. The name is checked here against KSeF's pattern, leaving room for the wallet's nonce.
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';
import type { CertificateType } from '../../vault/records.ts';

/** KSeF's `certificateName` alphabet; 100 characters minus the nonce (" KW-" + 12 hex). */
export const CERTIFICATE_NAME_RULE = Object.freeze({
  PATTERN: /^[a-zA-Z0-9_\- ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]+$/,
  MIN: 5,
  MAX: 84,
});

export function checkCertificateName(name: string): boolean {
  const n = name.trim().replace(/\s+/g, ' ');
  return (
    n.length >= CERTIFICATE_NAME_RULE.MIN &&
    n.length <= CERTIFICATE_NAME_RULE.MAX &&
    CERTIFICATE_NAME_RULE.PATTERN.test(n)
  );
}

export type EnrollmentForm = {
  readonly certificateName: string;
  readonly certificateType: CertificateType;
  readonly algorithm: 'RSA-2048' | 'ECDSA-P256';
  readonly excludeFromBackup: boolean;
  readonly automatic: boolean;
};

export const enrollCertificate = (
  w: Pick<Wallet, 'flows'>,
  companyId: string,
  form: EnrollmentForm,
  o?: FlowCallOptions,
) =>
  w.flows.call('enrollCertificate', { companyId, ...form, certificateName: form.certificateName.trim() }, o);
