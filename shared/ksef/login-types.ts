/** What the three login flows share: their result, their progress reports and their options. */
import type { PollPolicy } from './backoff.ts';

export type LoginMethod = 'signedRequest' | 'ksefCertificate' | 'ksefToken' | 'testCertificate';

/** A finished login: the session's tokens (REFERENCE §3.5). Access tokens stay in memory (T2). */
export type LoginResult = {
  readonly accessToken: string;
  readonly accessTokenValidUntil: string;
  readonly refreshToken: string;
  readonly refreshTokenValidUntil: string;
  /** The auth operation's reference number: the session's id in `GET /auth/sessions`. */
  readonly referenceNumber: string;
  readonly method: LoginMethod;
  /** How KSeF saw the login (e.g. "Pieczęć kwalifikowana"), when it said. */
  readonly authenticationMethodInfo?: {
    readonly category: string;
    readonly code: string;
    readonly displayName: string;
  };
  /** The IP address KSeF saw at the challenge (for an IP policy, SECURITY.md T7). */
  readonly clientIp?: string;
};

/** A submitted login that has not been redeemed yet (the list row with "Get status" / "Redeem"). */
export type PendingLogin = {
  readonly referenceNumber: string;
  /** The operation token: only for `GET /auth/{ref}` and redeem (§2.1). */
  readonly authenticationToken: string;
  readonly authenticationTokenValidUntil: string;
  readonly method: LoginMethod;
  /** Our-clock expiry of the challenge it was built on (for the countdown). */
  readonly challengeExpiresAtMs?: number;
  readonly clientIp?: string;
  /** `X-System-Warning` of the submission, e.g. a soft XAdES profile warning on TEST. */
  readonly warnings: readonly string[];
};

export type LoginPhase =
  | 'publicKey'
  | 'challenge'
  | 'signing'
  | 'encrypting'
  | 'submitting'
  | 'polling'
  | 'redeeming'
  | 'done';

export type LoginProgress = {
  readonly phase: LoginPhase;
  /** 1 for the first attempt; a fresh challenge after a lost answer, a 550 or a 21470 counts up. */
  readonly attempt: number;
  /** Status polls so far in this attempt. */
  readonly polls: number;
  /** Time left on the challenge, on our clock; absent before there is one. */
  readonly challengeLeftMs?: number;
  readonly referenceNumber?: string;
  /** The last auth status seen while polling (100 = still in progress). */
  readonly statusCode?: number;
};

export type LoginOptions = {
  /** Cancels the flow; a cancelled flow never redeems afterwards. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: LoginProgress) => void;
  /** Overrides the client's auth polling policy for this login. */
  readonly polling?: Partial<PollPolicy>;
};
