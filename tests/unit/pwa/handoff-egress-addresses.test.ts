/**
 * The ERP egress addresses the user types with an approval, and the IP policy of a hand-off
 * session: the browser's own address (challenge `clientIp`) plus those — and nothing at all when
 * the user gave none (the ERP's servers would be locked out otherwise).
 */
import { describe, expect, it } from 'vitest';
import {
  ipPolicyFor,
  MAX_ERP_EGRESS_ADDRESSES,
  parseErpEgressAddresses,
} from '../../../pwa/features/handoff/erp-egress-addresses.ts';

describe('ERP egress addresses', () => {
  it('reads addresses separated by commas, spaces or new lines, once each', () => {
    expect(parseErpEgressAddresses('203.0.113.10, 198.51.100.7\n203.0.113.10 ;192.0.2.1')).toEqual({
      ok: true,
      value: ['203.0.113.10', '198.51.100.7', '192.0.2.1'],
    });
    expect(parseErpEgressAddresses('   ')).toEqual({ ok: true, value: [] });
  });

  it('refuses anything that is not a plain IPv4 address', () => {
    for (const bad of [
      '203.0.113',
      '256.1.1.1',
      '01.2.3.4',
      '203.0.113.10/24',
      '203.0.113.1-203.0.113.9',
      '::1',
      'erp.example.com',
      '203.0.113.10x',
      '1.2.3.4.5',
    ]) {
      expect(parseErpEgressAddresses(bad), bad).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
  });

  it('takes at most 9 addresses: KSeF allows 10 and one is the browser’s own', () => {
    const nine = Array.from({ length: MAX_ERP_EGRESS_ADDRESSES }, (_, i) => `203.0.113.${i + 1}`);
    expect(parseErpEgressAddresses(nine.join(','))).toMatchObject({ ok: true });
    expect(parseErpEgressAddresses([...nine, '203.0.113.99'].join(','))).toMatchObject({ ok: false });
  });

  it('restricts a session to the challenge clientIp plus the ERP addresses, or not at all without them', () => {
    expect(ipPolicyFor('192.0.2.55', ['203.0.113.10'])).toEqual({
      allowedIps: { ip4Addresses: ['192.0.2.55', '203.0.113.10'] },
    });
    expect(ipPolicyFor('192.0.2.55', [])).toBeUndefined();
    // An IPv6 (or missing) clientIp cannot go into Ip4Address: the ERP addresses alone.
    expect(ipPolicyFor('2001:db8::1', ['203.0.113.10'])).toEqual({
      allowedIps: { ip4Addresses: ['203.0.113.10'] },
    });
    expect(ipPolicyFor('203.0.113.10', ['203.0.113.10'])).toEqual({
      allowedIps: { ip4Addresses: ['203.0.113.10'] },
    });
  });
});
