// @vitest-environment happy-dom
/**
 * The company screen and the tabs rendered by Preact into happy-dom: labels, what is offered on
 * which environment, the token-sunset count-down, why actions are blocked, and keyboard use of
 * the tabs. (Until the vault exists the screen is not reachable in the running app, so it is
 * checked here.)
 */
import { type ComponentChild, h, render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompanyTab } from '../../../pwa/app/route.ts';
import { APP_STRINGS } from '../../../pwa/app/strings.ts';
import { CompanyScreen } from '../../../pwa/features/company/company-screen.tsx';
import type { CompanyView } from '../../../pwa/features/company/company-view.ts';
import { TokenSecretDialog } from '../../../pwa/features/tokens/token-secret-dialog.tsx';
import { Tabs } from '../../../pwa/ui/tabs.tsx';
import type { CertificateView, PendingView } from '../../../pwa/vault/vault-api.ts';
import { createTranslator, type Locale } from '../../../shared/i18n/translate.ts';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const COMPANY: CompanyView = {
  id: 'c1',
  name: 'Firma Testowa sp. z o.o.',
  nip: '5265877635',
  environment: 'TEST',
  status: 'ready',
  reliesOnKsefToken: true,
  certificates: [],
  counts: { certificates: 0, tokens: 0 },
};

let host: HTMLElement;
afterEach(() => {
  render(null, host);
  host.remove();
});

function mount(vnode: ComponentChild) {
  host = document.createElement('div');
  document.body.append(host);
  render(vnode, host);
  return host;
}

/** An enrollment submitted to KSeF and waiting for its certificate (the vault's clear row). */
const ENROLLING: CertificateView = {
  id: 'cert1',
  companyId: 'c1',
  name: 'Logowanie ERP KW-0123456789ab',
  certificateType: 'Authentication',
  algorithm: 'ECDSA-P256',
  state: 'enrolling',
  enrollmentReference: '20261125-EH-1111111111-2222222222-33',
  publicKeySpki: new Uint8Array(0),
  excludeFromBackup: 0,
  isDefault: 0,
  createdAt: NOW,
  updatedAt: NOW,
  hasPrivateKey: true,
  hasCertificate: false,
};
const PENDING: PendingView = {
  id: 'p1',
  kind: 'enrollment',
  stage: 'submitted',
  companyId: 'c1',
  nonce: '0123456789ab',
  certificateId: 'cert1',
  referenceNumber: '20261125-EH-1111111111-2222222222-33',
  createdAt: NOW,
  updatedAt: NOW,
  hasCsr: true,
};

function screen(
  over: Partial<CompanyView> = {},
  tab: CompanyTab = 'general',
  locale: Locale = 'pl',
  blocked: 'offline' | null = null,
) {
  return mount(
    h(CompanyScreen, {
      company: { ...COMPANY, ...over },
      lists: { certificates: [ENROLLING], tokens: [], sessions: [], pending: [PENDING], activity: [] },
      tab,
      onTab: () => {},
      actionsBlockedBy: blocked,
      nowMs: NOW,
      locale,
      t: createTranslator(APP_STRINGS, locale),
    }),
  );
}

const buttons = (el: HTMLElement) => [...el.querySelectorAll('button')].map((b) => b.textContent?.trim());

describe('company screen', () => {
  it('offers the three login methods under their Polish labels on the General tab', () => {
    const el = screen();
    expect(buttons(el)).toEqual(
      expect.arrayContaining([
        'Pobierz żądanie autoryzacyjne',
        'Podpisz certyfikatem testowym',
        'Zaloguj certyfikatem KSeF',
        'Zaloguj tokenem KSeF',
      ]),
    );
    expect(el.querySelector('label')?.textContent).toBeDefined();
    expect([...el.querySelectorAll('label')].map((l) => l.textContent)).toContain(
      'Zaloguj podpisanym żądaniem autoryzacyjnym',
    );
  });

  it('offers signing with the test certificate on TEST and a sandbox, never on production', () => {
    expect(buttons(screen({ environment: 'custom:lokalny' }))).toContain('Podpisz certyfikatem testowym');
    render(null, host);
    host.remove();
    expect(buttons(screen({ environment: 'PRD' }))).not.toContain('Podpisz certyfikatem testowym');
  });

  it('shows the days left for a token-reliant company under current rules, with the source', () => {
    const el = screen();
    const notice = el.querySelector('[data-testid="token-sunset"]')?.textContent ?? '';
    expect(notice).toContain('zostało 36 dni według obecnych przepisów');
    expect(notice).toContain('Źródło: rozporządzenie Ministra Finansów');
    expect(notice).toContain('Przejdź na certyfikat KSeF');
  });

  it('shows no sunset notice for a company that does not rely on a token', () => {
    expect(screen({ reliesOnKsefToken: false }).querySelector('[data-testid="token-sunset"]')).toBeNull();
  });

  it('says why KSeF actions are disabled while offline', () => {
    const el = screen({}, 'general', 'pl', 'offline');
    expect(el.querySelector('[data-testid="actions-blocked"]')?.textContent).toBe(
      'Wymaga połączenia z KSeF — niedostępne offline.',
    );
    const download = [...el.querySelectorAll('button')].find(
      (b) => b.textContent === 'Pobierz żądanie autoryzacyjne',
    );
    expect(download?.disabled).toBe(true);
  });

  it('uses the English labels of the issue on the Certificates and Tokens tabs', () => {
    expect(buttons(screen({}, 'certificates', 'en'))).toEqual(
      expect.arrayContaining([
        'Get public key certificates',
        'Certificate enrollment',
        'Get status',
        'Retrieve',
      ]),
    );
    render(null, host);
    host.remove();
    const el = screen({}, 'tokens', 'en');
    expect(buttons(el)).toEqual(
      expect.arrayContaining(['Get tokens', 'KSeF permissions', 'Generate KSeF token']),
    );
    expect(el.textContent).toContain('deactivate it at once');
  });

  it('explains every token permission in the KSeF permissions dialog, none preselected', () => {
    const el = screen({}, 'tokens', 'en');
    const boxes = [...el.querySelectorAll<HTMLInputElement>('.permissions input[type="checkbox"]')];
    expect(boxes).toHaveLength(7);
    expect(boxes.every((b) => !b.checked)).toBe(true);
    for (const b of boxes) {
      const help = el.querySelector(`#${CSS.escape(b.getAttribute('aria-describedby') ?? '')}`);
      expect(help?.textContent?.length).toBeGreaterThan(10);
    }
  });

  it('marks the selected tab and links every tab to its route', () => {
    const el = screen({}, 'sessions', 'en');
    const tabs = [...el.querySelectorAll<HTMLAnchorElement>('[role="tab"]')];
    expect(tabs.map((t) => t.textContent)).toEqual([
      'General',
      'Certificates',
      'Tokens',
      'Sessions',
      'Activity',
    ]);
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual([
      'false',
      'false',
      'false',
      'true',
      'false',
    ]);
    expect(tabs[1]?.getAttribute('href')).toBe('#/company/c1/certificates');
    expect(el.querySelector('[role="tabpanel"]')?.getAttribute('aria-labelledby')).toBe(tabs[3]?.id);
  });
});

describe('tabs by keyboard', () => {
  const items = ['a', 'b', 'c'].map((id) => ({ id, label: id.toUpperCase(), href: `#/${id}` }));
  function tabs(selected: string, onSelect: (id: string) => void) {
    return mount(h(Tabs<string>, { label: 'T', idPrefix: 'k', items, selected, onSelect }));
  }
  const press = (el: HTMLElement, key: string) =>
    el.querySelector('[role="tablist"]')?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));

  it('keeps one Tab stop: only the selected tab is focusable', () => {
    const el = tabs('b', () => {});
    expect([...el.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('tabindex'))).toEqual([
      '-1',
      '0',
      '-1',
    ]);
  });

  it('moves with the arrow keys, wrapping around, and jumps with Home and End', () => {
    const seen: string[] = [];
    const el = tabs('a', (id) => seen.push(id));
    press(el, 'ArrowRight');
    press(el, 'ArrowLeft');
    press(el, 'End');
    press(el, 'Home');
    press(el, 'x');
    expect(seen).toEqual(['b', 'c', 'c', 'a']);
  });
});

describe('the credential tables', () => {
  const ACTIVE: CertificateView = {
    ...ENROLLING,
    id: 'cert2',
    name: 'Domyślny certyfikat KW-aaaaaaaaaaaa',
    state: 'active',
    serialNumber: '0123456789ABCDEF',
    validTo: '2028-11-30T00:00:00.000Z',
    hasCertificate: true,
    isDefault: 1,
  };
  function certificates(blocked: 'offline' | null = null, vaultBlockedBy: 'locked' | null = null) {
    return mount(
      h(CompanyScreen, {
        company: { ...COMPANY, reliesOnKsefToken: false },
        lists: {
          certificates: [
            ENROLLING,
            { ...ACTIVE, id: 'cert3', name: 'Drugi KW-bbbbbbbbbbbb', isDefault: 0 },
            ACTIVE,
          ],
          tokens: [],
          sessions: [],
          pending: [PENDING],
          activity: [],
        },
        tab: 'certificates',
        onTab: () => {},
        actionsBlockedBy: blocked,
        vaultBlockedBy,
        nowMs: NOW,
        locale: 'pl',
        t: createTranslator(APP_STRINGS, 'pl'),
      }),
    );
  }
  const row = (el: HTMLElement, id: string) => el.querySelector<HTMLElement>(`tr[data-certificate="${id}"]`)!;

  it('shows each certificate without the wallet’s nonce, its state, the default, and the actions it allows', () => {
    const el = certificates();
    expect(row(el, 'cert1').textContent).toContain('Logowanie ERP');
    expect(row(el, 'cert1').textContent).not.toContain('KW-');
    expect(buttons(row(el, 'cert1'))).toEqual(['Sprawdź status', 'Pobierz certyfikat']);
    expect(row(el, 'cert2').textContent).toContain('Domyślny');
    expect(buttons(row(el, 'cert2'))).toEqual(['Zaloguj certyfikatem KSeF', 'Unieważnij']);
    expect(buttons(row(el, 'cert3'))).toContain('Ustaw jako domyślny');
    expect(row(el, 'cert3').querySelector('button')?.getAttribute('aria-label')).toBe(
      'Ustaw „Drugi” jako domyślny',
    );
  });

  it('offline keeps the vault’s own actions (the default) but disables what needs KSeF', () => {
    const el = certificates('offline');
    const byText = (r: HTMLElement, text: string) =>
      [...r.querySelectorAll('button')].find((b) => b.textContent === text) as HTMLButtonElement;
    expect(byText(row(el, 'cert3'), 'Ustaw jako domyślny').disabled).toBe(false);
    expect(byText(row(el, 'cert2'), 'Unieważnij').disabled).toBe(true);
    expect(byText(row(el, 'cert1'), 'Sprawdź status').disabled).toBe(true);
  });

  it('locked, even the default waits for the unlock', () => {
    const el = certificates('offline', 'locked');
    expect(
      (
        [...row(el, 'cert3').querySelectorAll('button')].find(
          (b) => b.textContent === 'Ustaw jako domyślny',
        ) as HTMLButtonElement
      ).disabled,
    ).toBe(true);
  });
});

describe('a new token’s secret', () => {
  it('is a text node only — in no attribute — with the ERP help page’s advice', () => {
    const secret =
      '20261201-EC-0123456789-ABCDEF0123-45|nip-5265877635|0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const el = mount(
      h(TokenSecretDialog, {
        secret,
        referenceNumber: '20261201-EC-0123456789-ABCDEF0123-45',
        onClose: () => {},
        t: createTranslator(APP_STRINGS, 'pl'),
      }),
    );
    expect(el.querySelector('[data-testid="token-secret-value"]')?.textContent).toBe(secret);
    for (const node of el.querySelectorAll('*'))
      for (const a of node.attributes) expect(a.value, `${node.tagName} ${a.name}`).not.toContain('|nip-');
    expect(el.textContent).toContain('token traktuj jak dane dostępowe');
    expect(el.textContent).toContain('dezaktywuj go i wygeneruj nowy');
  });
});
