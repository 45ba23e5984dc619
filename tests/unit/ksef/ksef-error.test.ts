import { describe, expect, it } from 'vitest';
import { parseKsefError } from '../../../shared/ksef/ksef-error.ts';

const res = (status: number, body: unknown) => ({
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('parseKsefError', () => {
  it('reads the legacy ExceptionResponse of a 400', () => {
    const e = parseKsefError(
      res(400, {
        exception: {
          exceptionDetailList: [
            {
              exceptionCode: 21470,
              exceptionDescription:
                'Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.',
              details: ['Klucz o identyfikatorze abc nie jest wspierany.'],
            },
          ],
          serviceCode: '20251010-EX-1234567890-ABCDEF1234-AB',
          serviceCtx: 'srvTEMFA',
          timestamp: '2025-10-10T10:10:10.1234567+00:00',
        },
      }),
    );
    expect(e).toEqual({
      httpStatus: 400,
      code: 21470,
      description: 'Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.',
      details: ['Klucz o identyfikatorze abc nie jest wspierany.'],
      traceId: '20251010-EX-1234567890-ABCDEF1234-AB',
    });
  });

  it('reads a problem+json 400 and keeps further errors in the details', () => {
    const e = parseKsefError(
      res(400, {
        title: 'Bad Request',
        status: 400,
        instance: '/v2/tokens',
        detail: 'Wystąpił błąd',
        errors: [
          {
            code: 26001,
            description: 'Nie można nadać tokenowi uprawnień których nie posiadasz.',
            details: ['CredentialsManage'],
          },
          { code: 21405, description: 'Błąd walidacji danych wejściowych.' },
        ],
        timestamp: '2025-10-10T10:10:10Z',
        traceId: 'abc123',
      }),
    );
    expect(e).toEqual({
      httpStatus: 400,
      code: 26001,
      description: 'Nie można nadać tokenowi uprawnień których nie posiadasz.',
      details: ['CredentialsManage', '21405: Błąd walidacji danych wejściowych.'],
      traceId: 'abc123',
    });
  });

  it('reads a 403 problem with reasonCode and the security facts', () => {
    const e = parseKsefError(
      res(403, {
        title: 'Forbidden',
        status: 403,
        detail: 'Dostęp z tego adresu IP jest niedozwolony.',
        reasonCode: 'ip-not-allowed',
        security: { clientIp: '127.0.0.2', requiredAnyOfPermissions: ['InvoiceRead'], nested: { x: 1 } },
        timestamp: '2025-10-10T10:10:10Z',
        traceId: 't-1',
      }),
    );
    expect(e).toEqual({
      httpStatus: 403,
      description: 'Dostęp z tego adresu IP jest niedozwolony.',
      traceId: 't-1',
      reasonCode: 'ip-not-allowed',
      security: { clientIp: '127.0.0.2', requiredAnyOfPermissions: ['InvoiceRead'] },
    });
  });

  it('tolerates the empty 403 body seen in the wild (#482)', () => {
    expect(parseKsefError(res(403, ''))).toEqual({ httpStatus: 403 });
  });

  it('keeps only the status of a body that is not JSON', () => {
    expect(parseKsefError(res(502, '<html>Bad gateway</html>'))).toEqual({ httpStatus: 502 });
    expect(parseKsefError(res(500, '[1,2]'))).toEqual({ httpStatus: 500 });
  });

  it('reads 410 Gone and 401 problems', () => {
    expect(
      parseKsefError(
        res(410, {
          title: 'Gone',
          status: 410,
          instance: '/v2/auth/x',
          detail: 'Operacja wygasła i nie jest już dostępna.',
          timestamp: '2025-07-11T12:23:56.0154302+00:00',
          traceId: '673843e023c432286660bc0501a3af44',
        }),
      ),
    ).toEqual({
      httpStatus: 410,
      description: 'Operacja wygasła i nie jest już dostępna.',
      traceId: '673843e023c432286660bc0501a3af44',
    });
    expect(parseKsefError(res(401, { title: 'Unauthorized', status: 401 }))).toEqual({
      httpStatus: 401,
      description: 'Unauthorized',
    });
  });

  it('reads both 429 formats', () => {
    expect(
      parseKsefError(
        res(429, { status: { code: 429, description: 'Too Many Requests', details: ['Limit 60/s'] } }),
      ),
    ).toEqual({ httpStatus: 429, code: 429, description: 'Too Many Requests', details: ['Limit 60/s'] });
    expect(
      parseKsefError(
        res(429, { title: 'Too Many Requests', status: 429, detail: 'Przekroczono limit', traceId: 'z' }),
      ),
    ).toEqual({ httpStatus: 429, description: 'Przekroczono limit', traceId: 'z' });
  });

  it('caps hostile sizes and ignores mistyped members', () => {
    const e = parseKsefError(
      res(400, {
        errors: [
          {
            code: '21405',
            description: 'zły opis '.repeat(500),
            details: Array.from({ length: 100 }, () => 'd'),
          },
        ],
        traceId: 7,
      }),
    );
    expect(e.code).toBeUndefined();
    expect(e.description?.length).toBe(1000);
    expect(e.details?.length).toBe(20);
    expect(e.traceId).toBeUndefined();
  });

  it('cuts secrets KSeF might quote out of its texts', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJBdXRoIn0.c2lnbmF0dXJlLXZhbHVl';
    const token = `20251010-EC-1234567890-ABCDEF1234-AB|nip-5265877635|${'a1'.repeat(32)}`;
    const encrypted = 'QUJD'.repeat(86);
    const e = parseKsefError(
      res(400, {
        errors: [
          {
            code: 21405,
            description: `Błąd walidacji: ${jwt}`,
            details: [`token ${token} odrzucony`, `encryptedToken=${encrypted}`],
          },
        ],
      }),
    );
    const all = JSON.stringify(e);
    expect(all).not.toContain(jwt);
    expect(all).not.toContain('a1a1a1a1');
    expect(all).not.toContain(encrypted.slice(0, 40));
    expect(e.description).toBe('Błąd walidacji: [JWT]');
    expect(e.details).toEqual([
      'token 20251010-EC-1234567890-ABCDEF1234-AB|[KSeF token] odrzucony',
      'encryptedToken=[Base64]',
    ]);
  });
});
