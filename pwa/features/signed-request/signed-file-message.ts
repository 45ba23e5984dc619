/** The user-facing text for each problem found in a picked signed-request file. */
import type { AppStringKey } from '../../app/strings.ts';
import type { SignedFileProblem } from './check-signed-file.ts';

const MESSAGES: Readonly<Partial<Record<SignedFileProblem, AppStringKey>>> = Object.freeze({
  FILE_TOO_LARGE: 'fileTooLarge',
  INPUT_TOO_LARGE: 'fileTooLarge',
  NOT_UTF8: 'fileNotUtf8',
  XML_MALFORMED: 'fileNotXml',
  XML_DOCTYPE_FORBIDDEN: 'fileDoctype',
  XML_WRONG_NAMESPACE: 'fileNotAuthRequest',
  AUTH_REQUEST_SCHEMA: 'fileNotAuthRequest',
  AUTH_REQUEST_NOT_SIGNED: 'fileNotSigned',
  AUTH_REQUEST_MULTIPLE_SIGNATURES: 'fileSeveralSignatures',
  AUTH_REQUEST_CHALLENGE_EXPIRED: 'challengeExpired',
  AUTH_REQUEST_WRONG_CHALLENGE: 'fileWrongChallenge',
  AUTH_REQUEST_WRONG_CONTEXT: 'fileWrongNip',
  AUTH_REQUEST_NO_SUBJECT_IN_CERTIFICATE: 'fileNoSubject',
  SIGNATURE_MALFORMED: 'fileSignatureMalformed',
  SIGNATURE_REFERENCE_NOT_FOUND: 'fileSignatureBroken',
  SIGNATURE_DIGEST_MISMATCH: 'fileSignatureBroken',
  SIGNATURE_INVALID: 'fileSignatureInvalid',
  SIGNATURE_NOT_XADES: 'fileNotXades',
  SIGNATURE_CERTIFICATE_MISMATCH: 'fileCertificateMismatch',
  SIGNATURE_KEY_TOO_WEAK: 'fileKeyTooWeak',
  SIGNATURE_UNSUPPORTED_ALGORITHM: 'fileSignatureUnchecked',
});

export function signedFileMessage(problem: SignedFileProblem): AppStringKey {
  return MESSAGES[problem] ?? 'fileInvalid';
}
