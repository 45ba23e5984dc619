/** The hand-off window's route: `#/handoff/<id>` with the extension's random id, nothing else. */
import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from '../../../pwa/app/route.ts';

const ID = 'Q2xhdWRlLWhhbmRvZmYtaWQ';

describe('hand-off route', () => {
  it('opens the hand-off window for #/handoff/<id> and formats it back', () => {
    expect(parseRoute(`#/handoff/${ID}`)).toEqual({ screen: 'handoff', handoffId: ID });
    expect(formatRoute({ screen: 'handoff', handoffId: ID })).toBe(`#/handoff/${ID}`);
  });

  it('refuses ids that are not the extension’s (too short, markup, extra parts, query)', () => {
    for (const h of [
      '#/handoff/',
      '#/handoff/short',
      `#/handoff/${ID}/approve`,
      `#/handoff/<img src=x>${ID}`,
      `#/handoff/${ID}?token=eyJ`,
      `#/handoff/${'a'.repeat(65)}`,
    ])
      expect(parseRoute(h), h).toEqual({ screen: 'start' });
  });
});
