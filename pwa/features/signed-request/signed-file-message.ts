/** The user-facing text for each problem found in a picked signed-request file. */
import type { AppStringKey } from '../../app/strings.ts';
import type { SignedFileProblem } from './check-signed-file.ts';

export const SIGNED_FILE_MESSAGES: Readonly<Record<SignedFileProblem, AppStringKey>> = Object.freeze({
  'too-large': 'fileTooLarge',
  'not-utf8': 'fileNotUtf8',
  'not-xml': 'fileNotXml',
  doctype: 'fileDoctype',
  'not-auth-request': 'fileNotAuthRequest',
  'not-signed': 'fileNotSigned',
  'several-signatures': 'fileSeveralSignatures',
  'wrong-challenge': 'fileWrongChallenge',
  'wrong-nip': 'fileWrongNip',
});
