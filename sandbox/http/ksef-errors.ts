/**
 * KSeF's exception codes with their wire descriptions (REFERENCE §3, copied byte for byte from the
 * spec tables), and the two error formats of REFERENCE §2.5:
 *  - legacy `application/json` `ExceptionResponse` (default),
 *  - `application/problem+json` when the request carries `X-Error-Format: problem-details`;
 *    401, 403 and 410 are always problem+json (since API 2.2.0).
 * Every error carries a trace id (problem details: `traceId`; legacy: inside `serviceCode`, the
 * W3C traceparent shape KSeF uses there).
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isoTime } from '../domain/time.ts';

export const KSEF_ERRORS = Object.freeze({
  9101: 'Nieprawidłowy dokument.',
  9102: 'Brak podpisu.',
  9103: 'Przekroczona liczba dozwolonych podpisów.',
  9105: 'Nieprawidłowy podpis.',
  21001: 'Nieczytelna treść.',
  21111: 'Nieprawidłowe wyzwanie autoryzacyjne.',
  21115: 'Nieprawidłowy certyfikat.',
  21117: 'Nieprawidłowy identyfikator podmiotu dla wskazanego typu kontekstu.',
  21217: 'Nieprawidłowe kodowanie znaków.',
  21301: 'Brak autoryzacji.',
  21304: 'Brak uwierzytelnienia.',
  21308: 'Próba wykorzystania metod autoryzacyjnych osoby zmarłej.',
  21401: 'Dokument nie jest zgodny ze schemą (xsd).',
  21405: 'Błąd walidacji danych wejściowych.',
  21406: 'Konflikt podpisu i typu uwierzytelnienia.',
  21418: 'Przekazany token kontynuacji ma nieprawidłowy format.',
  21470: 'Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.',
  25001: 'Brak możliwości pobrania danych do CSR dla wykorzystanego sposobu uwierzytelnienia.',
  25002: 'Brak możliwości złożenia wniosku certyfikacyjnego dla wykorzystanego sposobu uwierzytelnienia.',
  25003: 'Dane w CSR nie zgadzają się z danymi w użytym wektorze uwierzytelniającym.',
  25004: 'Niepoprawny format CSR lub niepoprawny podpis CSR.',
  25005: 'Wniosek certyfikacyjny o podanym numerze referencyjnym nie istnieje.',
  25006: 'Osiągnięto limit możliwych do złożenia wniosków certyfikacyjnych.',
  25007: 'Osiągnięto limit dopuszczalnej liczby posiadanych certyfikatów.',
  25008: 'Certyfikat o podanym numerze seryjnym nie istnieje.',
  25009: 'Nie można odwołać wskazanego certyfikatu, ponieważ jest już odwołany, zablokowany lub nieważny.',
  25010: 'Nieprawidłowy typ lub długość klucza.',
  25011: 'Nieprawidłowy algorytm podpisu CSR.',
  26001: 'Nie można nadać tokenowi uprawnień których nie posiadasz.',
  26002: 'Nie można wygenerować tokena dla obecnego typu kontekstu.',
  30001: 'Podmiot lub uprawnienie już istnieje.',
} as const);
export type KsefErrorCode = keyof typeof KSEF_ERRORS;

/** An expected failure, as a value: the handler returns it, `ksefError` renders it. */
export type KsefFailure =
  | { kind: 'bad-request'; code: KsefErrorCode; details?: readonly string[] }
  | { kind: 'unauthorized'; detail: string }
  | {
      kind: 'forbidden';
      reasonCode:
        | 'missing-permissions'
        | 'ip-not-allowed'
        | 'insufficient-resource-access'
        | 'auth-method-not-allowed'
        | 'security-service-blocked'
        | 'context-type-not-allowed';
      detail: string;
      security?: Record<string, unknown>;
    }
  | { kind: 'gone' };

export const badRequest = (code: KsefErrorCode, ...details: string[]): KsefFailure => ({
  kind: 'bad-request',
  code,
  ...(details.length ? { details } : {}),
});

export const FORBIDDEN_DETAILS = Object.freeze({
  'missing-permissions': 'Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście.',
  'ip-not-allowed': 'Żądanie pochodzi z adresu IP innego niż wskazany podczas uwierzytelnienia.',
  'insufficient-resource-access': 'Brak dostępu do wskazanego zasobu.',
  'auth-method-not-allowed': 'Ta operacja nie jest dostępna dla użytej metody uwierzytelnienia.',
  'security-service-blocked': 'Żądanie zostało zablokowane przez mechanizmy bezpieczeństwa.',
  'context-type-not-allowed': 'Operacja nie jest dostępna dla uwierzytelnionego typu kontekstu.',
} as const);

export const forbidden = (
  reasonCode: keyof typeof FORBIDDEN_DETAILS,
  security?: Record<string, unknown>,
): KsefFailure => ({
  kind: 'forbidden',
  reasonCode,
  detail: FORBIDDEN_DETAILS[reasonCode],
  ...(security ? { security } : {}),
});

export const unauthorized = (detail = 'Wymagane jest uwierzytelnienie.'): KsefFailure => ({
  kind: 'unauthorized',
  detail,
});

export const newTraceId = (): string => randomBytes(16).toString('hex');

const wantsProblemDetails = (c: Context) =>
  (c.req.header('x-error-format') ?? '').trim().toLowerCase() === 'problem-details';

const traceOf = (c: Context): string => (c.get('traceId') as string | undefined) ?? newTraceId();
const nowOf = (c: Context): number => {
  const clock = c.get('now') as (() => number) | undefined;
  return clock ? clock() : Date.now();
};

function problem(c: Context, status: ContentfulStatusCode, body: Record<string, unknown>): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': 'application/problem+json; charset=utf-8' });
}

export function ksefError(c: Context, failure: KsefFailure): Response {
  const traceId = traceOf(c);
  const timestamp = isoTime(nowOf(c));
  const instance = c.req.path;
  switch (failure.kind) {
    case 'unauthorized':
      c.header('WWW-Authenticate', 'Bearer');
      return problem(c, 401, {
        title: 'Unauthorized',
        status: 401,
        detail: failure.detail,
        instance,
        traceId,
        timestamp,
      });
    case 'forbidden':
      return problem(c, 403, {
        title: 'Forbidden',
        status: 403,
        detail: failure.detail,
        instance,
        reasonCode: failure.reasonCode,
        ...(failure.security ? { security: failure.security } : {}),
        traceId,
        timestamp,
      });
    case 'gone':
      return problem(c, 410, {
        title: 'Gone',
        status: 410,
        instance,
        detail: 'Operacja wygasła i nie jest już dostępna.',
        timestamp,
        traceId,
      });
    case 'bad-request': {
      const entry = {
        code: failure.code,
        description: KSEF_ERRORS[failure.code],
        ...(failure.details ? { details: [...failure.details] } : {}),
      };
      if (wantsProblemDetails(c)) {
        return problem(c, 400, {
          title: 'Bad Request',
          status: 400,
          instance,
          detail: 'Żądanie jest nieprawidłowe.',
          errors: [entry],
          timestamp,
          traceId,
        });
      }
      return c.json(
        {
          exception: {
            exceptionDetailList: [
              {
                exceptionCode: entry.code,
                exceptionDescription: entry.description,
                details: entry.details ?? [],
              },
            ],
            referenceNumber: null,
            serviceCode: `00-${traceId}-${traceId.slice(0, 16)}-00`,
            serviceCtx: 'srvSANDBOX',
            serviceName: 'ksef-sandbox',
            timestamp,
          },
        },
        400,
      );
    }
  }
}

/** 429 in the format the caller asked for, with an integer `Retry-After` (spec schema RetryAfter). */
export function tooManyRequests(c: Context, retryAfterSeconds: number, detail: string): Response {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  c.header('Retry-After', String(seconds));
  if (wantsProblemDetails(c)) {
    return problem(c, 429, {
      title: 'Too Many Requests',
      status: 429,
      instance: c.req.path,
      detail,
      timestamp: isoTime(nowOf(c)),
      traceId: traceOf(c),
    });
  }
  return c.json({ status: { code: 429, description: 'Too Many Requests', details: [detail] } }, 429);
}

/**
 * Statuses that KSeF's spec does not describe (404 unknown path, 405, 413, 415, 421, 501, 5xx
 * faults): a problem+json body with a trace id, so that a client never has to parse HTML.
 */
export function httpProblem(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  detail: string,
): Response {
  return problem(c, status, {
    title,
    status,
    instance: c.req.path,
    detail,
    timestamp: isoTime(nowOf(c)),
    traceId: traceOf(c),
  });
}
