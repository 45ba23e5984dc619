/**
 * Shapes of KSeF values the vault accepts from its callers (REFERENCE.md §2.2, §3.8, §3.9): checked
 * here too, because whatever the page relays from the network is untrusted until checked.
 */
export const REFERENCE_NUMBER = /^\d{8}-[A-Z]{2}-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/;
/** `certificateName`: 5–100 characters of this alphabet (spec pattern). */
export const CERTIFICATE_NAME = /^[a-zA-Z0-9_\- ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]+$/;
export const CERTIFICATE_NAME_LENGTH = Object.freeze({ MIN: 5, MAX: 100 });
/** Token `description`: 5–256 characters. */
export const TOKEN_DESCRIPTION_LENGTH = Object.freeze({ MIN: 5, MAX: 256 });
/** A KSeF token is at most 160 characters (spec). */
export const TOKEN_SECRET_MAX = 160;
export const SERIAL_NUMBER = /^[0-9A-F]{16}$/;
export const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The intent nonce as it appears in a token description or certificate name (SECURITY.md T12): an
 * orphaned token or certificate found at KSeF by this suffix is ours.
 */
export const intentSuffix = (nonce: string): string => ` KW-${nonce}`;

export const isReferenceNumber = (x: unknown): x is string =>
  typeof x === 'string' && REFERENCE_NUMBER.test(x);
export const isIsoDateTime = (x: unknown): x is string =>
  typeof x === 'string' && ISO_DATE_TIME.test(x) && !Number.isNaN(Date.parse(x));

/** A token secret: printable ASCII, no separators beyond KSeF's `|`. */
export const isTokenSecret = (x: unknown): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= TOKEN_SECRET_MAX && /^[\x21-\x7e]+$/.test(x);

/** Exact web origins for approvals: scheme, host, optional port; nothing else. */
export function isExactOrigin(x: unknown): x is string {
  if (typeof x !== 'string' || x.length > 200) return false;
  try {
    const u = new URL(x);
    return (
      (u.protocol === 'https:' ||
        (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))) &&
      u.origin === x
    );
  } catch {
    return false;
  }
}
