/**
 * The ERP's server addresses that the user types with an approval. An ERP calls KSeF from its own
 * servers, so a hand-off session restricted to the browser's address alone would fail there with
 * 403 `ip-not-allowed`; the wallet restricts it to the challenge's `clientIp` plus these
 * (SECURITY.md T7). They come from the user only — never from the page, which could name an
 * attacker's machine.
 *
 * KSeF's AuthorizationPolicy takes at most 10 `Ip4Address` entries (REFERENCE.md §6.1); one is the
 * browser's own, so the user may enter 9. Plain dotted-quad IPv4 only (KSeF's `Ip4Address`
 * pattern; ranges and masks are not offered: a single server list is what ERP vendors publish).
 */
import { fail, ok, type Result } from '../../../shared/result.ts';

export const MAX_ERP_EGRESS_ADDRESSES = 9;

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

export const isIpv4Address = (s: string): boolean => IPV4.test(s);

/**
 * Reads what the user typed (addresses separated by commas, spaces or new lines). Empty input is
 * an empty list: the session then carries no IP policy (see `ipPolicyFor`).
 */
export function parseErpEgressAddresses(text: string): Result<readonly string[]> {
  const parts = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = parts.find((p) => !isIpv4Address(p));
  if (bad !== undefined) return fail('INVALID_INPUT', { detail: 'not an IPv4 address' });
  const unique = [...new Set(parts)];
  if (unique.length > MAX_ERP_EGRESS_ADDRESSES)
    return fail('INVALID_INPUT', { detail: `at most ${MAX_ERP_EGRESS_ADDRESSES} addresses` });
  return ok(unique);
}

/**
 * The `authorizationPolicy` of a hand-off session: the challenge's `clientIp` plus the ERP's
 * addresses. Without ERP addresses there is no policy: the browser's address alone would lock the
 * ERP's own servers out, which is worse than no restriction (the ERP could not use the session).
 */
export function ipPolicyFor(
  clientIp: string | undefined,
  erpAddresses: readonly string[],
): { readonly allowedIps: { readonly ip4Addresses: readonly string[] } } | undefined {
  if (erpAddresses.length === 0) return undefined;
  const own = clientIp !== undefined && isIpv4Address(clientIp) ? [clientIp] : [];
  return { allowedIps: { ip4Addresses: [...new Set([...own, ...erpAddresses])].slice(0, 10) } };
}
