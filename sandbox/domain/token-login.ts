/**
 * `POST /auth/ksef-token` (REFERENCE §3.3, §9, §10, §11 "KSeF-token submission"). Synchronous:
 * 21111 (challenge), 21470 (unknown or withdrawn `publicKeyId`, detail naming it), 21405 (body).
 * Everything about the token itself is reported later as status 450 (§4): the ciphertext is
 * decrypted now with the key the client named (or the current default key when it named none,
 * #802) and only the outcome is kept — never the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { decryptWithKey, type EncryptionKey } from '../crypto/encryption-keys.ts';
import { badRequest, type KsefFailure } from '../http/ksef-errors.ts';
import type { Runtime } from '../runtime.ts';
import type { AllowedIps, ContextIdentifier } from '../state/model.ts';
import { startOperation, TOKEN_FAILURES } from './auth-operations.ts';
import { consumeChallenge, liveChallenge } from './challenges.ts';
import { isReferenceNumber, REFERENCE_TYPES } from './reference-number.ts';

export type KsefTokenSubmission = {
  challenge: string;
  contextIdentifier: ContextIdentifier;
  encryptedToken: string;
  publicKeyId?: string | null;
  authorizationPolicy?: { allowedIps?: AllowedIps | null } | null;
};

/** Keys listed for `usage` now, newest validFrom first (the documented selection rule, §9.4). */
export function currentKeys(rt: Runtime, usage: EncryptionKey['usage'][number]): EncryptionKey[] {
  const now = rt.now();
  return rt.encryptionKeys
    .filter((k) => !k.withdrawn && k.usage.includes(usage) && k.validFrom <= now && now < k.validTo)
    .sort((a, b) => b.validFrom - a.validFrom);
}

// `{ref}|{nip|internalId}-{value}|{64 hex}` (REFERENCE §3.8).
const TOKEN_SHAPE =
  /^(\d{8}-EC-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2})\|(nip|internalId)-([0-9-]+)\|([0-9a-f]{64})$/;

type TokenReading = { failure: string | null; tokenRef: string | null };

function readToken(rt: Runtime, plaintext: Uint8Array, challengeTimestampMs: number): TokenReading {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    return { failure: TOKEN_FAILURES.encoding, tokenRef: null };
  }
  // The token contains `|` itself: the timestamp is what follows the last one (§9.1).
  const cut = text.lastIndexOf('|');
  const timestamp = cut >= 0 ? text.slice(cut + 1) : '';
  const token = cut >= 0 ? text.slice(0, cut) : text;
  if (!/^\d{1,16}$/.test(timestamp)) return { failure: TOKEN_FAILURES.encoding, tokenRef: null };
  const shape = TOKEN_SHAPE.exec(token);
  if (!shape) return { failure: TOKEN_FAILURES.encoding, tokenRef: null };
  if (Number(timestamp) !== challengeTimestampMs) return { failure: TOKEN_FAILURES.time, tokenRef: null };
  const [, ref, ctxType, ctxValue, secret] = shape as unknown as [string, string, string, string, string];
  const record = isReferenceNumber(ref, REFERENCE_TYPES.ksefToken) ? rt.state.ksefTokens[ref] : undefined;
  if (!record) return { failure: TOKEN_FAILURES.unknown, tokenRef: null };
  const expected = Buffer.from(record.secretHash, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  const namedContext =
    (ctxType === 'nip' ? 'Nip' : 'InternalId') === record.context.type && ctxValue === record.context.value;
  if (!namedContext || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { failure: TOKEN_FAILURES.unknown, tokenRef: null };
  }
  return { failure: null, tokenRef: ref };
}

export async function submitKsefToken(
  rt: Runtime,
  body: KsefTokenSubmission,
  clientIp: string,
): Promise<
  { ok: true; value: Awaited<ReturnType<typeof startOperation>> } | { ok: false; failure: KsefFailure }
> {
  const challenge = liveChallenge(rt, body.challenge);
  if (!challenge) return { ok: false, failure: badRequest(21111) };

  let key: EncryptionKey | undefined;
  if (body.publicKeyId) {
    key = rt.encryptionKeys.find(
      (k) => k.publicKeyId === body.publicKeyId && !k.withdrawn && k.usage.includes('KsefTokenEncryption'),
    );
    if (!key) {
      return {
        ok: false,
        failure: badRequest(21470, `Klucz o identyfikatorze ${body.publicKeyId} nie jest wspierany.`),
      };
    }
  } else {
    key = currentKeys(rt, 'KsefTokenEncryption')[0];
    if (!key)
      return { ok: false, failure: badRequest(21470, 'Klucz o identyfikatorze (brak) nie jest wspierany.') };
  }

  const ciphertext = new Uint8Array(Buffer.from(body.encryptedToken, 'base64'));
  const plaintext = decryptWithKey(key, ciphertext);
  const reading: TokenReading = plaintext
    ? readToken(rt, plaintext, challenge.timestampMs)
    : { failure: TOKEN_FAILURES.encryption, tokenRef: null };
  plaintext?.fill(0);
  const token = reading.tokenRef ? rt.state.ksefTokens[reading.tokenRef] : undefined;

  const allowedIps = body.authorizationPolicy?.allowedIps ?? null;
  // Consumed before the first await: two concurrent submissions of one challenge cannot both pass.
  consumeChallenge(rt, challenge.challenge);
  const value = await startOperation(rt, {
    challenge: body.challenge,
    clientIp,
    authenticationMethod: 'Token',
    methodInfo: { category: 'Token', code: 'token.ksef', displayName: 'Token KSeF' },
    context: body.contextIdentifier,
    subject: token ? { ...token.author } : null,
    subjectData: null,
    allowedIps,
    pending: { kind: 'token', failure: reading.failure, tokenRef: reading.tokenRef },
  });
  return { ok: true, value };
}
