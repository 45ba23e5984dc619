/**
 * `GET /security/public-key-certificates` (REFERENCE §3.10, §9.3, §10): every key that is not
 * withdrawn and not expired, newest first; the certificate as Base64 DER without PEM armour.
 */
import { Hono } from 'hono';
import { isoTime } from '../domain/time.ts';
import type { SandboxEnv } from '../http/env.ts';

export const securityRoutes = new Hono<SandboxEnv>();

securityRoutes.get('/security/public-key-certificates', (c) => {
  const rt = c.var.rt;
  const now = rt.now();
  const listed = rt.encryptionKeys
    .filter((k) => !k.withdrawn && now < k.validTo)
    .sort((a, b) => b.validFrom - a.validFrom)
    .map((k) => ({
      certificate: Buffer.from(k.certificateDer).toString('base64'),
      certificateId: k.certificateId,
      publicKeyId: k.publicKeyId,
      validFrom: isoTime(k.validFrom),
      validTo: isoTime(k.validTo),
      usage: [...k.usage],
    }));
  return c.json(listed, 200);
});
