import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../../extension/manifest.ts';
import { EXTENSION_ID, EXTENSION_PUBLIC_KEY } from '../../../shared/protocol/constants.ts';

describe('extension manifest', () => {
  it('pins the extension ID that the PWA addresses', () => {
    const hex = createHash('sha256')
      .update(Buffer.from(EXTENSION_PUBLIC_KEY, 'base64'))
      .digest('hex')
      .slice(0, 32);
    const id = [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
    expect(id).toBe(EXTENSION_ID);
    expect(buildManifest('production', 'https://wallet.example').key).toBe(EXTENSION_PUBLIC_KEY);
  });

  it('production: only the KSeF hosts at install, only the exact PWA origin may connect, no other extension', () => {
    const m = buildManifest('production', 'https://wallet.example');
    expect(m.host_permissions).toEqual([
      'https://api-test.ksef.mf.gov.pl/*',
      'https://api-demo.ksef.mf.gov.pl/*',
      'https://api.ksef.mf.gov.pl/*',
    ]);
    expect(m.externally_connectable).toEqual({ matches: ['https://wallet.example/*'] });
    expect(m.externally_connectable).not.toHaveProperty('ids');
    expect(m.permissions).toEqual(['storage', 'scripting', 'idle', 'activeTab']);
    expect(JSON.stringify(m)).not.toContain('<all_urls>');
    // Nothing on loopback at install, and no content script declared for any site.
    expect(JSON.stringify(m.host_permissions)).not.toMatch(/127\.0\.0\.1|localhost/);
    expect(m).not.toHaveProperty('content_scripts');
    expect(m).not.toHaveProperty('web_accessible_resources');
  });

  it('production: ERP sites and loopback sandboxes are optional, asked for one origin at a time', () => {
    const m = buildManifest('production', 'https://wallet.example');
    expect(m.optional_host_permissions).toEqual(['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*']);
    expect(m.permissions).not.toContain('tabs');
    expect(m.permissions).not.toContain('webNavigation');
  });

  it('refuses a production build for a PWA that is not https or not an exact origin', () => {
    expect(() => buildManifest('production', 'http://wallet.example')).toThrow();
    expect(() => buildManifest('production', 'https://wallet.example/app')).toThrow();
  });

  it('development: loopback sandboxes reachable, the PWA pattern covers loopback ports (the router checks the exact origin)', () => {
    const m = buildManifest('development', 'http://127.0.0.1:5180');
    expect(m.host_permissions).toContain('http://127.0.0.1/*');
    expect(m.externally_connectable).toEqual({ matches: ['http://127.0.0.1/*'] });
  });
});
