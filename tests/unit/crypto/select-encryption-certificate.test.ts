/**
 * Choosing KSeF's token-encryption certificate (REFERENCE §9.4, §10) when the client's clock is not
 * KSeF's: the documented rule (valid now, latest validFrom) with a correct clock, a newly rotated
 * key accepted up to KEY_SELECTION.CLOCK_SKEW_MS before its validFrom when nothing else is valid,
 * and never an expired one.
 */
import { describe, expect, it } from 'vitest';
import {
  KEY_SELECTION,
  type PublicKeyCertificate,
  selectEncryptionCertificate,
} from '../../../shared/crypto/public-key-id.ts';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const entry = (id: string, fromMs: number, toMs: number, usage = ['KsefTokenEncryption']) =>
  ({
    certificate: `cert-${id}`,
    certificateId: id,
    publicKeyId: id,
    usage,
    validFrom: new Date(fromMs).toISOString(),
    validTo: new Date(toMs).toISOString(),
  }) as unknown as PublicKeyCertificate;

const chosen = (list: PublicKeyCertificate[], now = NOW) => {
  const r = selectEncryptionCertificate(list, 'KsefTokenEncryption', now);
  return r.ok ? r.value.publicKeyId : r.error.reason;
};

describe('the token-encryption certificate under clock skew', () => {
  it('tolerates five minutes, by a named constant', () => {
    expect(KEY_SELECTION.CLOCK_SKEW_MS).toBe(5 * MINUTE);
    expect(Object.isFrozen(KEY_SELECTION)).toBe(true);
  });

  it('uses a rotated key up to five minutes before its validFrom when the old key is withdrawn', () => {
    // A client 4 min 59 s behind KSeF, right after an emergency rotation: only the new key is listed.
    expect(chosen([entry('new', NOW + 5 * MINUTE - 1000, NOW + 700 * DAY)])).toBe('new');
    expect(chosen([entry('new', NOW + 5 * MINUTE, NOW + 700 * DAY)])).toBe('new');
    expect(chosen([entry('new', NOW + 5 * MINUTE + 1, NOW + 700 * DAY)])).toBe('NO_ENCRYPTION_CERTIFICATE');
    expect(chosen([entry('far', NOW + DAY, NOW + 700 * DAY)])).toBe('NO_ENCRYPTION_CERTIFICATE');
  });

  it('keeps the documented choice with a correct clock: a key valid now wins over one starting soon', () => {
    const old = entry('old', NOW - 300 * DAY, NOW + 30 * DAY);
    const soon = entry('soon', NOW + 2 * MINUTE, NOW + 700 * DAY);
    expect(chosen([soon, old])).toBe('old');
    // Once the new key is valid by our clock, it is the latest validFrom (§9.4).
    expect(chosen([soon, old], NOW + 2 * MINUTE)).toBe('soon');
    const newer = entry('newer', NOW - DAY, NOW + 700 * DAY);
    expect(chosen([old, newer, soon])).toBe('newer');
  });

  it('prefers, among keys that start soon, the one most likely valid on KSeF already', () => {
    const inOne = entry('in-one', NOW + MINUTE, NOW + 700 * DAY);
    const inFour = entry('in-four', NOW + 4 * MINUTE, NOW + 700 * DAY);
    expect(chosen([inFour, inOne])).toBe('in-one');
  });

  it('never picks an expired certificate, whatever the tolerance', () => {
    expect(chosen([entry('expired', NOW - DAY, NOW)])).toBe('NO_ENCRYPTION_CERTIFICATE');
    expect(chosen([entry('expired', NOW - DAY, NOW - 1)])).toBe('NO_ENCRYPTION_CERTIFICATE');
    // An expired key next to one starting soon: the one starting soon.
    expect(chosen([entry('expired', NOW - DAY, NOW - MINUTE), entry('soon', NOW + MINUTE, NOW + DAY)])).toBe(
      'soon',
    );
    // A nonsense entry that would "start soon" but ends before it starts.
    expect(chosen([entry('inverted', NOW + MINUTE, NOW + 30_000)])).toBe('NO_ENCRYPTION_CERTIFICATE');
    const unreadable = { ...entry('unreadable', NOW + MINUTE, NOW + DAY), validFrom: 'soon' };
    expect(chosen([unreadable])).toBe('NO_ENCRYPTION_CERTIFICATE');
  });

  it('applies the tolerance per usage only', () => {
    const symmetric = entry('symmetric', NOW + MINUTE, NOW + DAY, ['SymmetricKeyEncryption']);
    expect(chosen([symmetric])).toBe('NO_ENCRYPTION_CERTIFICATE');
    const r = selectEncryptionCertificate([symmetric], 'SymmetricKeyEncryption', NOW);
    expect(r.ok && r.value.publicKeyId).toBe('symmetric');
  });
});
