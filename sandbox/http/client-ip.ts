/** The peer address as KSeF reports it in `clientIp`: IPv4 in dotted form (IPv4-mapped IPv6 unwrapped). */
import type { IncomingMessage } from 'node:http';

export function clientIpOf(incoming: IncomingMessage | undefined): string {
  const raw = incoming?.socket?.remoteAddress ?? '';
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}

const toNumber = (ip: string): number | null => {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
};

/** IP policy of an access token (`authorizationPolicy.allowedIps`): addresses, ranges `a-b`, masks `a/n`. */
export function ipAllowed(
  ip: string,
  policy: { ip4Addresses?: string[] | null; ip4Ranges?: string[] | null; ip4Masks?: string[] | null },
): boolean {
  const lists = [policy.ip4Addresses ?? [], policy.ip4Ranges ?? [], policy.ip4Masks ?? []];
  // An empty policy (no lists, or all empty) restricts nothing.
  if (lists.every((l) => l.length === 0)) return true;
  const n = toNumber(ip);
  if (n === null) return false;
  if (lists[0]!.some((a) => toNumber(a) === n)) return true;
  for (const range of lists[1]!) {
    const [from, to] = range.split('-').map(toNumber);
    if (from != null && to != null && n >= from && n <= to) return true;
  }
  for (const mask of lists[2]!) {
    const [base, bitsText] = mask.split('/');
    const start = toNumber(base ?? '');
    const bits = Number(bitsText);
    if (start === null || !Number.isInteger(bits)) continue;
    const size = 2 ** (32 - bits);
    const network = Math.floor(start / size) * size;
    if (n >= network && n < network + size) return true;
  }
  return false;
}
