/**
 * The authentication endpoints (REFERENCE §3.1–§3.6), one typed call each. The login flows compose
 * them; the ERP help page's manual "Get status" / "Redeem access token" buttons call them directly.
 *
 * Which bearer goes where (§2.1): the operation token (`authenticationToken`) only for status and
 * redeem, the refresh token only for refresh.
 */
import { ok, type Result } from '../result.ts';
import type { JsonRequestBody } from './api-types.ts';
import { type CallerDeps, type KsefReply, sendKsef } from './ksef-call.ts';
import {
  type AuthenticationInit,
  AuthenticationInitSchema,
  type AuthStatus,
  AuthStatusSchema,
  type Challenge,
  ChallengeSchema,
  type RedeemedTokens,
  RedeemSchema,
  type RefreshedToken,
  RefreshSchema,
} from './response-schemas.ts';

/** A challenge lives 10 minutes (docs uwierzytelnianie §1). */
export const CHALLENGE_TTL_MS = 10 * 60 * 1000;

export type ChallengeInfo = Challenge & {
  /**
   * When the challenge expires on OUR clock: the moment we asked for it + 10 minutes. Counting from
   * our own send time (not KSeF's `timestampMs`) keeps the countdown right when the device clock is
   * off, and errs on the safe side by the request's latency.
   */
  readonly expiresAtMs: number;
};

/** The 202 of a submission: what status polling and redeem need. */
export type SubmittedLogin = AuthenticationInit & { readonly warnings: readonly string[] };

export type XadesSubmitOptions = {
  /** TEST only: also check the chain and OCSP/CRL (spec query parameter, REFERENCE §3.2). */
  readonly verifyCertificateChain?: boolean;
  /** Opt in to the strict XAdES profile check early (`X-KSeF-Feature`, §2.7). */
  readonly enforceXadesCompliance?: boolean;
  readonly signal?: AbortSignal;
};

const value = <T>(r: Result<KsefReply<T>>): Result<T> => (r.ok ? ok(r.value.value) : r);

export function authApi(deps: CallerDeps) {
  return {
    /** `POST /auth/challenge`. Creating a challenge changes nothing, so a lost answer is re-sent. */
    async challenge(signal?: AbortSignal): Promise<Result<ChallengeInfo>> {
      const sentAt = deps.clock.now();
      const r = await sendKsef(deps, {
        operation: 'POST /auth/challenge',
        retry: 'idempotent',
        schema: ChallengeSchema,
        ...(signal ? { signal } : {}),
      });
      if (!r.ok) return r;
      return ok({ ...r.value.value, expiresAtMs: sentAt + CHALLENGE_TTL_MS });
    },

    /**
     * `POST /auth/xades-signature` with the signed bytes exactly as given (`application/xml`).
     * Sent once: a lost answer is the flow's to handle with a new challenge.
     */
    async submitXadesSignature(
      xml: string,
      options: XadesSubmitOptions = {},
    ): Promise<Result<SubmittedLogin>> {
      const r = await sendKsef(deps, {
        operation: 'POST /auth/xades-signature',
        xml,
        retry: 'once',
        schema: AuthenticationInitSchema,
        ...(options.verifyCertificateChain === undefined
          ? {}
          : { query: { verifyCertificateChain: options.verifyCertificateChain } }),
        ...(options.enforceXadesCompliance
          ? { headers: { 'x-ksef-feature': 'enforce-xades-compliance' } }
          : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return r.ok ? ok({ ...r.value.value, warnings: r.value.warnings }) : r;
    },

    /** `POST /auth/ksef-token` (camelCase, exact enum spelling, §2.4). Sent once. */
    async submitKsefToken(
      body: JsonRequestBody<'POST /auth/ksef-token'>,
      signal?: AbortSignal,
    ): Promise<Result<SubmittedLogin>> {
      const r = await sendKsef(deps, {
        operation: 'POST /auth/ksef-token',
        json: body,
        retry: 'once',
        schema: AuthenticationInitSchema,
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok({ ...r.value.value, warnings: r.value.warnings }) : r;
    },

    /** `GET /auth/{referenceNumber}` with the operation token. */
    async status(
      login: { readonly referenceNumber: string; readonly authenticationToken: string },
      signal?: AbortSignal,
    ): Promise<Result<AuthStatus>> {
      return value(
        await sendKsef(deps, {
          operation: 'GET /auth/{referenceNumber}',
          pathParams: { referenceNumber: login.referenceNumber },
          bearer: login.authenticationToken,
          retry: 'idempotent',
          schema: AuthStatusSchema,
          ...(signal ? { signal } : {}),
        }),
      );
    },

    /**
     * `POST /auth/token/redeem`. One-shot (§3.5): never re-sent, not even by the transport layer; a
     * lost answer is resolved by redeemAccessToken (redeem-access-token.ts), never by a second call.
     */
    async redeem(authenticationToken: string, signal?: AbortSignal): Promise<Result<RedeemedTokens>> {
      return value(
        await sendKsef(deps, {
          operation: 'POST /auth/token/redeem',
          bearer: authenticationToken,
          retry: 'once',
          schema: RedeemSchema,
          ...(signal ? { signal } : {}),
        }),
      );
    },

    /**
     * `POST /auth/token/refresh` with the refresh token. Safe to repeat (it only issues a new access
     * token; sporadic 500s were fixed server-side, #704), so it is retried like a GET.
     */
    async refresh(refreshToken: string, signal?: AbortSignal): Promise<Result<RefreshedToken>> {
      return value(
        await sendKsef(deps, {
          operation: 'POST /auth/token/refresh',
          bearer: refreshToken,
          retry: 'idempotent',
          schema: RefreshSchema,
          ...(signal ? { signal } : {}),
        }),
      );
    },
  };
}

export type AuthApi = ReturnType<typeof authApi>;
