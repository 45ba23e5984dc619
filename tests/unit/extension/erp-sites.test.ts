import { describe, expect, it } from 'vitest';
import { ERP_CONTENT_SCRIPT_FILE } from '../../../extension/erp-sites/content-script-registry.ts';
import { dropSitesWithoutPermission } from '../../../extension/erp-sites/disable-erp-site.ts';
import { createBackground, ERP, PWA_ORIGIN } from './handoff-fixture.ts';

describe('enabling the login button on ERP sites', () => {
  it('registers the content script for exactly the enabled origins, top frame only, and injects it into the tab', async () => {
    const bg = createBackground();
    bg.openDocument(3, ERP);
    expect(await bg.send('erp.enable', { origin: ERP, tabId: 3 }, bg.popup)).toEqual(
      expect.objectContaining({ ok: true, value: { origin: ERP, injected: true } }),
    );
    expect(bg.registrations).toEqual([
      { id: 'ksef-wallet-erp-login', matches: ['https://erp.example:443/*'] },
    ]);
    expect(bg.executed).toEqual([{ tabId: 3, files: [ERP_CONTENT_SCRIPT_FILE] }]);

    await bg.send('erp.enable', { origin: 'https://other.example' }, bg.popup);
    expect(bg.registrations).toEqual([
      { id: 'ksef-wallet-erp-login', matches: ['https://erp.example:443/*', 'https://other.example:443/*'] },
    ]);
    expect(bg.executed).toHaveLength(1);
  });

  it('refuses an origin without the host permission, the wallet itself, and non-origins', async () => {
    const bg = createBackground();
    expect(await bg.send('erp.enable', { origin: 'https://nogrant.example' }, bg.popup)).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    bg.granted.add(`${PWA_ORIGIN}/*`);
    expect(await bg.send('erp.enable', { origin: PWA_ORIGIN }, bg.popup)).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    expect(await bg.send('erp.enable', { origin: 'https://erp.example/app' }, bg.popup)).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE' },
    });
    expect(bg.registrations).toEqual([]);
    expect(await bg.db.erpSites.count()).toBe(0);
  });

  it('refuses loopback ERP origins in a production build', async () => {
    const bg = createBackground();
    bg.granted.add('http://127.0.0.1:5190/*');
    const production = { ...bg.sites, policy: { allowLoopback: false } };
    const { enableErpSite } = await import('../../../extension/erp-sites/enable-erp-site.ts');
    expect(await enableErpSite(production, { origin: 'http://127.0.0.1:5190' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PARAMS' },
    });
  });

  it('does not inject into a tab that shows another origin', async () => {
    const bg = createBackground();
    bg.openDocument(3, 'https://other.example');
    expect(await bg.send('erp.enable', { origin: ERP, tabId: 3 }, bg.popup)).toMatchObject({
      ok: true,
      value: { injected: false },
    });
    expect(bg.executed).toEqual([]);
  });

  it('disables a site: registration and host permission go', async () => {
    const bg = createBackground();
    await bg.send('erp.enable', { origin: ERP }, bg.popup);
    expect(await bg.send('erp.disable', { origin: ERP }, bg.popup)).toMatchObject({ ok: true });
    expect(bg.registrations).toEqual([]);
    expect(bg.granted.has('https://erp.example:443/*')).toBe(false);
  });

  it('drops sites whose permission the user removed in the browser', async () => {
    const bg = createBackground();
    await bg.send('erp.enable', { origin: ERP }, bg.popup);
    await bg.send('erp.enable', { origin: 'https://other.example' }, bg.popup);
    bg.granted.delete('https://other.example:443/*');
    expect(await dropSitesWithoutPermission(bg.sites)).toEqual(['https://other.example']);
    expect(bg.registrations).toEqual([
      { id: 'ksef-wallet-erp-login', matches: ['https://erp.example:443/*'] },
    ]);
  });

  it('lets only our extension pages enable or disable sites', async () => {
    const bg = createBackground();
    bg.openDocument(3, ERP);
    expect(await bg.send('erp.enable', { origin: ERP }, bg.pwa())).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    expect(await bg.send('erp.enable', { origin: ERP }, bg.contentScript(3))).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
  });
});
