/**
 * /testdata/* (REFERENCE §3.11) and the permission model they feed (§7.2): the NIP–PESEL link, a
 * deceased person (470, and 21308 on redeem), a blocked context (480), subjects (30001 on repeat),
 * bailiffs and enforcement authorities (EnforcementOperations), context limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import {
  authTokenRequest,
  call,
  challenge,
  errorCode,
  type Identity,
  loginWithSignature,
  personPeselSubject,
  randomNip,
  randomPesel,
  SIGNATURE_METHODS,
  sealSubject,
  selfSigned,
  submitXades,
  tempDir,
  waitForStatus,
  xmlsecSign,
} from './helpers.ts';

const ws = tempDir();
let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
  base = sandbox.baseUrl;
});
afterAll(async () => {
  await sandbox.close();
  ws.cleanup();
});

async function submitFor(id: Identity, nip: string) {
  const { challenge: c } = await challenge(base);
  const r = await submitXades(
    base,
    xmlsecSign(
      ws,
      authTokenRequest({ challenge: c, context: { type: 'Nip', value: nip } }),
      id,
      SIGNATURE_METHODS.ec,
    ),
  );
  expect(r.status).toBe(202);
  return {
    ref: r.body.referenceNumber as string,
    token: (r.body.authenticationToken as { token: string }).token,
  };
}
async function statusFor(id: Identity, nip: string) {
  const s = await submitFor(id, nip);
  return (await waitForStatus(base, s.ref, s.token)).body.status as { code: number; details?: string[] };
}
const person = (body: Record<string, unknown>) => call(base, 'POST', '/testdata/person', { json: body });

describe('the seeded data', () => {
  it('is reported by startSandbox and works: the seeded person owns the first company', async () => {
    expect(sandbox.seed.companies.map((c) => c.name)).toContain('Przykładowa Spółka z o.o.');
    const p = sandbox.seed.persons[0]!;
    const id = selfSigned(ws, 'seeded-person', personPeselSubject(p.pesel));
    expect((await statusFor(id, p.nip)).code).toBe(200);
    const g = sandbox.seed.grants[0]!;
    const office = selfSigned(ws, 'office', sealSubject(g.authorized.value));
    const s = await loginWithSignature(base, ws, office, { type: 'Nip', value: g.context.value });
    const t = await call(base, 'POST', '/tokens', {
      token: s.accessToken,
      json: { permissions: ['CredentialsManage'], description: 'Za dużo uprawnień' },
    });
    expect(errorCode(t)).toBe(26001);
  });
});

describe('persons', () => {
  it('links a PESEL to a NIP (owner rights), refuses a second person for the NIP (30001), removes with permissions', async () => {
    const nip = randomNip();
    const pesel = randomPesel();
    const id = selfSigned(ws, `pesel-${pesel}`, personPeselSubject(pesel));
    expect((await statusFor(id, nip)).code).toBe(415);
    expect((await person({ nip, pesel, isBailiff: false, description: 'Osoba testowa' })).status).toBe(200);
    expect((await statusFor(id, nip)).code).toBe(200);
    expect(errorCode(await person({ nip, pesel, isBailiff: false, description: 'Osoba testowa' }))).toBe(
      30001,
    );
    expect((await call(base, 'POST', '/testdata/person/remove', { json: { nip } })).status).toBe(200);
    expect((await statusFor(id, nip)).code).toBe(415);
  });
  it('a deceased person ends with 470; one who died after status 200 cannot redeem (21308)', async () => {
    const nip = randomNip();
    const pesel = randomPesel();
    const id = selfSigned(ws, `dead-${pesel}`, personPeselSubject(pesel));
    await person({ nip, pesel, isBailiff: false, description: 'Osoba zmarła', isDeceased: true });
    expect(await statusFor(id, nip)).toEqual({
      code: 470,
      description: 'Uwierzytelnianie zakończone niepowodzeniem',
      details: ['Próba wykorzystania metod autoryzacyjnych osoby zmarłej'],
    });
    const nip2 = randomNip();
    const pesel2 = randomPesel();
    const id2 = selfSigned(ws, `alive-${pesel2}`, personPeselSubject(pesel2));
    await person({ nip: nip2, pesel: pesel2, isBailiff: false, description: 'Żyje jeszcze' });
    const login = await submitFor(id2, nip2);
    expect((await waitForStatus(base, login.ref, login.token)).body.status).toMatchObject({ code: 200 });
    await call(base, 'POST', '/testdata/person/remove', { json: { nip: nip2 } });
    await person({
      nip: nip2,
      pesel: pesel2,
      isBailiff: false,
      description: 'Zmarła po uwierzytelnieniu',
      isDeceased: true,
    });
    const redeem = await call(base, 'POST', '/auth/token/redeem', { token: login.token });
    expect(errorCode(redeem)).toBe(21308);
  });
  it('a bailiff gets EnforcementOperations, and may put it on a token', async () => {
    const nip = randomNip();
    const pesel = randomPesel();
    await person({ nip, pesel, isBailiff: true, description: 'Komornik' });
    const s = await loginWithSignature(
      base,
      ws,
      selfSigned(ws, `bailiff-${pesel}`, personPeselSubject(pesel)),
      { type: 'Nip', value: nip },
    );
    const t = await call(base, 'POST', '/tokens', {
      token: s.accessToken,
      json: { permissions: ['EnforcementOperations'], description: 'Egzekucja' },
    });
    expect(t.status).toBe(202);
  });
  it('validates the person (21405): a PESEL with a wrong month, a missing isBailiff', async () => {
    expect(
      errorCode(
        await person({ nip: randomNip(), pesel: '85131512344', isBailiff: false, description: 'Zły PESEL' }),
      ),
    ).toBe(21405);
    expect(
      errorCode(await person({ nip: randomNip(), pesel: randomPesel(), description: 'Bez isBailiff' })),
    ).toBe(21405);
    // Property names bind case-insensitively (the C# client sends PascalCase).
    expect(
      (await person({ Nip: randomNip(), Pesel: randomPesel(), IsBailiff: false, Description: 'PascalCase' }))
        .status,
    ).toBe(200);
  });
});

describe('attachments and limit overrides', () => {
  it('accepts attachment permissions (validated: a bad NIP is 21405)', async () => {
    const nip = randomNip();
    expect((await call(base, 'POST', '/testdata/attachment', { json: { nip } })).status).toBe(200);
    expect(
      (
        await call(base, 'POST', '/testdata/attachment/revoke', {
          json: { nip, expectedEndDate: '2027-01-31' },
        })
      ).status,
    ).toBe(200);
    expect(errorCode(await call(base, 'POST', '/testdata/attachment', { json: { nip: '0123' } }))).toBe(
      21405,
    );
  });
  it('a PESEL subject has the 12/6 certificate limits, and DELETE /testdata/rate-limits restores the defaults', async () => {
    const nip = randomNip();
    const pesel = randomPesel();
    await person({ nip, pesel, isBailiff: false, description: 'Limity osoby' });
    const s = await loginWithSignature(
      base,
      ws,
      selfSigned(ws, `limits-${pesel}`, personPeselSubject(pesel)),
      { type: 'Nip', value: nip },
    );
    expect((await call(base, 'GET', '/certificates/limits', { token: s.accessToken })).body).toEqual({
      canRequest: true,
      enrollment: { remaining: 12, limit: 12 },
      certificate: { remaining: 6, limit: 6 },
    });
    const defaults = (await call(base, 'GET', '/rate-limits', { token: s.accessToken })).body;
    const lowered = Object.fromEntries(
      Object.keys(defaults).map((g) => [g, { perSecond: 1, perMinute: 2, perHour: 3 }]),
    );
    expect(
      (
        await call(base, 'POST', '/testdata/rate-limits', {
          token: s.accessToken,
          json: { rateLimits: lowered },
        })
      ).status,
    ).toBe(200);
    expect((await call(base, 'GET', '/rate-limits', { token: s.accessToken })).body.other).toEqual({
      perSecond: 1,
      perMinute: 2,
      perHour: 3,
    });
    expect(
      errorCode(
        await call(base, 'POST', '/testdata/rate-limits', {
          token: s.accessToken,
          json: { rateLimits: { other: lowered.other } },
        }),
      ),
    ).toBe(21405);
    expect((await call(base, 'DELETE', '/testdata/rate-limits', { token: s.accessToken })).status).toBe(200);
    expect((await call(base, 'GET', '/rate-limits', { token: s.accessToken })).body).toEqual(defaults);
  });
});

describe('subjects and contexts', () => {
  it('creates a subject once (30001 on repeat) and an enforcement authority owns EnforcementOperations', async () => {
    const nip = randomNip();
    const body = { subjectNip: nip, subjectType: 'enforcementauthority', description: 'Organ egzekucyjny' };
    expect((await call(base, 'POST', '/testdata/subject', { json: body })).status).toBe(200);
    expect(errorCode(await call(base, 'POST', '/testdata/subject', { json: body }))).toBe(30001);
    const s = await loginWithSignature(base, ws, selfSigned(ws, `ea-${nip}`, sealSubject(nip)), {
      type: 'Nip',
      value: nip,
    });
    const t = await call(base, 'POST', '/tokens', {
      token: s.accessToken,
      json: { permissions: ['EnforcementOperations'], description: 'Egzekucja' },
    });
    expect(t.status).toBe(202);
    expect((await call(base, 'POST', '/testdata/subject/remove', { json: { subjectNip: nip } })).status).toBe(
      200,
    );
    expect(
      errorCode(await call(base, 'POST', '/testdata/subject', { json: { ...body, subjectType: 'Nope' } })),
    ).toBe(21405);
  });
  it('a blocked context ends authentication with 480 until it is unblocked', async () => {
    const nip = randomNip();
    const id = selfSigned(ws, `blocked-${nip}`, sealSubject(nip));
    const ctx = { contextIdentifier: { type: 'Nip', value: nip } };
    expect((await call(base, 'POST', '/testdata/context/block', { json: ctx })).status).toBe(200);
    expect(await statusFor(id, nip)).toEqual({
      code: 480,
      description: 'Uwierzytelnienie zablokowane',
      details: [
        'Podejrzenie incydentu bezpieczeństwa. Skontaktuj się z Ministerstwem Finansów przez formularz zgłoszeniowy.',
      ],
    });
    expect((await call(base, 'POST', '/testdata/context/unblock', { json: ctx })).status).toBe(200);
    expect((await statusFor(id, nip)).code).toBe(200);
  });
  it('context session limits can be set and restored (GET /limits/context)', async () => {
    const nip = randomNip();
    const s = await loginWithSignature(base, ws, selfSigned(ws, `lim-${nip}`, sealSubject(nip)), {
      type: 'Nip',
      value: nip,
    });
    const defaults = await call(base, 'GET', '/limits/context', { token: s.accessToken });
    expect(defaults.body).toEqual({
      onlineSession: { maxInvoiceSizeInMB: 1, maxInvoiceWithAttachmentSizeInMB: 3, maxInvoices: 10000 },
      batchSession: { maxInvoiceSizeInMB: 1, maxInvoiceWithAttachmentSizeInMB: 3, maxInvoices: 10000 },
    });
    const custom = {
      onlineSession: { maxInvoiceSizeInMB: 2, maxInvoiceWithAttachmentSizeInMB: 4, maxInvoices: 5 },
      batchSession: { maxInvoiceSizeInMB: 3, maxInvoiceWithAttachmentSizeInMB: 6, maxInvoices: 7 },
    };
    expect(
      (await call(base, 'POST', '/testdata/limits/context/session', { token: s.accessToken, json: custom }))
        .status,
    ).toBe(200);
    expect((await call(base, 'GET', '/limits/context', { token: s.accessToken })).body).toEqual(custom);
    expect(
      errorCode(
        await call(base, 'POST', '/testdata/limits/context/session', {
          token: s.accessToken,
          json: { onlineSession: custom.onlineSession },
        }),
      ),
    ).toBe(21405);
    expect(
      (await call(base, 'DELETE', '/testdata/limits/context/session', { token: s.accessToken })).status,
    ).toBe(200);
    expect((await call(base, 'GET', '/limits/context', { token: s.accessToken })).body).toEqual(
      defaults.body,
    );
    expect((await call(base, 'POST', '/testdata/limits/context/session', { json: custom })).status).toBe(401);
  });
});
