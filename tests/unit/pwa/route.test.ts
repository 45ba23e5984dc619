import { describe, expect, it } from 'vitest';
import { COMPANY_TABS, formatRoute, parseRoute } from '../../../pwa/app/route.ts';

describe('hash routes', () => {
  it('opens the start screen for an empty or unknown hash', () => {
    for (const h of ['', '#', '#/', '#/nowhere', '#/company', '#/settings/extra']) {
      expect(parseRoute(h)).toEqual({ screen: 'start' });
    }
  });

  it('round-trips every company tab', () => {
    for (const tab of COMPANY_TABS) {
      const r = { screen: 'company', companyId: '0b6f2a1e-1c1d-4c3a-9f55-2d1f1b0c9a77', tab } as const;
      expect(parseRoute(formatRoute(r))).toEqual(r);
    }
  });

  it('defaults a company route to its General tab', () => {
    expect(parseRoute('#/company/abc')).toEqual({ screen: 'company', companyId: 'abc', tab: 'general' });
  });

  it('refuses a company id that could be markup or a path', () => {
    expect(parseRoute('#/company/<img>/tokens')).toEqual({ screen: 'start' });
    expect(parseRoute('#/company/a/b/c')).toEqual({ screen: 'start' });
    expect(parseRoute('#/company/abc/passwords')).toEqual({ screen: 'start' });
  });

  it('parses the settings route', () => {
    expect(parseRoute('#/settings')).toEqual({ screen: 'settings' });
    expect(formatRoute({ screen: 'settings' })).toBe('#/settings');
  });
});
