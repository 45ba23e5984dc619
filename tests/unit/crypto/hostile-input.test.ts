import { describe, expect, it } from 'vitest';
import { CRYPTO_ERROR_CODES } from '../../../shared/crypto/errors.ts';
import { readCertificate } from '../../../shared/crypto/x509-reader.ts';
import { parseSignedAuthTokenRequest } from '../../../shared/crypto/xades-verify.ts';
import { CHALLENGE, FIXED_NOW, signedRequest } from '../../browser/crypto/core-suite.ts';

const subtle = globalThis.crypto.subtle;

// A small deterministic PRNG so that a failure can be replayed.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('hostile input never crashes or hangs the crypto core', () => {
  it('answers 300 mutated signed requests with a Result and a known code', async () => {
    const { xml, signer } = await signedRequest(subtle, 'ECDSA-P256');
    const rand = rng(20261125);
    const pieces = [
      '<',
      '>',
      '&',
      '"',
      '<!DOCTYPE x>',
      '<ds:Signature>',
      'xmlns="urn:x"',
      '\u0000',
      ']]>',
      '&#0;',
    ];
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(rand() * xml.length);
      const op = Math.floor(rand() * 3);
      const mutated =
        op === 0
          ? xml.slice(0, at) + xml.slice(at + 1 + Math.floor(rand() * 20))
          : op === 1
            ? xml.slice(0, at) + pieces[Math.floor(rand() * pieces.length)] + xml.slice(at)
            : xml.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + xml.slice(at + 1);
      const t0 = performance.now();
      const r = await parseSignedAuthTokenRequest(subtle, mutated, {
        nowMs: FIXED_NOW,
        challenge: CHALLENGE,
      });
      expect(performance.now() - t0).toBeLessThan(2000);
      if (!r.ok) expect(CRYPTO_ERROR_CODES).toContain(r.error.reason);
      else if (mutated !== xml) accepted++;
    }
    // With this seed no mutation survives; a changed seed could legitimately hit one that C14N
    // ignores (whitespace between attributes), which is why the seed is fixed.
    expect(accepted).toBe(0);
    expect(signer.certificateDer.length).toBeGreaterThan(0);
  });

  it('answers 300 mutated certificates with a Result', async () => {
    const { signer } = await signedRequest(subtle, 'RSA-2048');
    const der = signer.certificateDer;
    const rand = rng(7);
    for (let i = 0; i < 300; i++) {
      const m = new Uint8Array(der);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++)
        m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      const cut = rand() < 0.3 ? m.subarray(0, Math.floor(rand() * m.length)) : m;
      const r = await readCertificate(subtle, cut);
      if (!r.ok) expect(CRYPTO_ERROR_CODES).toContain(r.error.reason);
    }
  });

  it('refuses a 2 MiB document before parsing it, quickly', async () => {
    const { xml } = await signedRequest(subtle, 'ECDSA-P256');
    const huge = xml.replace('<Challenge>', `<!-- ${'x'.repeat(2 * 1024 * 1024)} --><Challenge>`);
    const t0 = performance.now();
    const r = await parseSignedAuthTokenRequest(subtle, huge, { nowMs: FIXED_NOW });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(!r.ok && r.error.reason).toBe('INPUT_TOO_LARGE');
  });
});
