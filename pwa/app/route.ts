/**
 * Hash routing: the PWA is served as static files with one `index.html`, and a hash route works
 * offline from the service worker's cache without any server rewrite.
 */
export const COMPANY_TABS = Object.freeze([
  'general',
  'certificates',
  'tokens',
  'sessions',
  'activity',
] as const);
export type CompanyTab = (typeof COMPANY_TABS)[number];

export type Route =
  | { readonly screen: 'start' }
  | { readonly screen: 'settings' }
  | { readonly screen: 'company'; readonly companyId: string; readonly tab: CompanyTab }
  /** The wallet window the extension opens for one ERP hand-off request (features/handoff). */
  | { readonly screen: 'handoff'; readonly handoffId: string };

const isTab = (x: string): x is CompanyTab => (COMPANY_TABS as readonly string[]).includes(x);
// Company ids are UUIDs from the vault; anything else is not a route of ours.
const ID = /^[A-Za-z0-9-]{1,64}$/;
// Hand-off ids are the extension's random 128-bit ids (shared/protocol/handoff-fields.ts).
const HANDOFF_ID = /^[A-Za-z0-9_-]{22,64}$/;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'settings' && parts.length === 1) return { screen: 'settings' };
  if (parts[0] === 'handoff' && parts.length === 2 && HANDOFF_ID.test(parts[1]!))
    return { screen: 'handoff', handoffId: parts[1]! };
  if (parts[0] === 'company' && parts[1] && ID.test(parts[1]) && parts.length <= 3) {
    const tab = parts[2] ?? 'general';
    if (isTab(tab)) return { screen: 'company', companyId: parts[1], tab };
  }
  return { screen: 'start' };
}

export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'start':
      return '#/';
    case 'settings':
      return '#/settings';
    case 'company':
      return `#/company/${route.companyId}/${route.tab}`;
    case 'handoff':
      return `#/handoff/${route.handoffId}`;
  }
}
