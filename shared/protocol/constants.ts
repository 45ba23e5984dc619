/**
 * Wire constants of the messages between the PWA, the extension and ERP pages. A bump of
 * PROTOCOL_VERSION is a breaking change: receivers refuse any other version.
 */
export const PROTOCOL = 'ksef-wallet';
export const PROTOCOL_VERSION = 1;

/** Caps from SECURITY.md §4: an envelope is small; an XML body may be up to 1 MiB. */
export const ENVELOPE_LIMITS = Object.freeze({
  MAX_ENVELOPE_BYTES: 256 * 1024,
  MAX_BODY_BYTES: 1024 * 1024,
});

/**
 * The extension's public key (manifest `key`), which fixes its ID for every build so that the
 * PWA can address it and an ERP can recognise it. The ID is the first 128 bits of SHA-256 of this
 * DER SubjectPublicKeyInfo, written with the letters a–p (a unit test checks the two agree).
 */
export const EXTENSION_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtSzHUKrfZEPxnJq9jOuq5do6xozUo40O9yGGor+Y2ziWWYtF3AfqBiPDfEvolrRH3E3WDd/AQOEGkvnEjchJd4eo40LDUiGJcz2gpJvCFdRffYuLiQgi8/DgnCXWILqLcVRZsDe/SYr66ggW/NMknF+6mp0A88YsZRdiC8jDc3SEEFS7N8wDxIIxqG9qbRp/7Ute3sOrUW/rIHCO/li2/uS5GK9U2kjaFWlZ/PWKL2qLCvij/d4txz01dS+tQL3SvhdhOQNYC6fld5GhPwAi0mo+5v3CzsKlr9TG+OAdozsT8ogD9iG6dcmUeoQBoBPVK6JtvENspGPB/s7uOMjW2QIDAQAB';
export const EXTENSION_ID = 'ebdilphlfnmmofiipegbncigggfpnjbc';
