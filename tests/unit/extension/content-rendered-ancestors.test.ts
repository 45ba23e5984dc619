// @vitest-environment happy-dom
/**
 * The elements whose masks and clips apply to our button are its ancestors in the rendered (flat)
 * tree: through slots, also of closed shadow roots the page built to hide a masked wrapper, and
 * from a shadow tree out to its host (SECURITY.md T8).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderedAncestors } from '../../../extension/content/rendered-ancestors.ts';

const closedRoots = new WeakMap<Element, ShadowRoot>();
/** What chrome.dom.openOrClosedShadowRoot gives the content script. */
const openShadowRoot = (el: Element) => el.shadowRoot ?? closedRoots.get(el) ?? null;
const nothingOpens = () => null;

function attach(host: Element, mode: 'open' | 'closed', html: string): ShadowRoot {
  const root = host.attachShadow({ mode });
  root.innerHTML = html;
  if (mode === 'closed') closedRoots.set(host, root);
  return root;
}

const names = (chain: Element[]) => chain.map((el) => el.id || el.tagName.toLowerCase());

afterEach(() => {
  document.body.innerHTML = '';
});

describe('rendered ancestors of the login button host', () => {
  it('are the parent chain up to <html> in a page without shadow trees', () => {
    document.body.innerHTML =
      '<div id="outer"><ksef-wallet-login id="anchor"><div id="host"></div></ksef-wallet-login></div>';
    const host = document.getElementById('host')!;
    expect(names(renderedAncestors(host, openShadowRoot))).toEqual([
      'host',
      'anchor',
      'outer',
      'body',
      'html',
    ]);
  });

  it('pass through the slot and its wrapper when the anchor is slotted into an open shadow root', () => {
    document.body.innerHTML =
      '<x-bar id="bar"><ksef-wallet-login id="anchor"><div id="host"></div></ksef-wallet-login></x-bar>';
    attach(document.getElementById('bar')!, 'open', '<div id="masked"><slot id="slot"></slot></div>');
    const chain = names(renderedAncestors(document.getElementById('host')!, nothingOpens));
    expect(chain).toEqual(['host', 'anchor', 'slot', 'masked', 'bar', 'body', 'html']);
  });

  it('find the slot of a closed shadow root, which assignedSlot hides, through the opener', () => {
    document.body.innerHTML =
      '<x-bar id="bar"><span id="other"></span><ksef-wallet-login id="anchor"><div id="host"></div></ksef-wallet-login></x-bar>';
    attach(
      document.getElementById('bar')!,
      'closed',
      '<slot id="first" name="none"></slot><div id="masked"><slot id="slot"></slot></div>',
    );
    // (In Chromium the anchor's assignedSlot is null here; the e2e suite checks the real thing.)
    const chain = names(renderedAncestors(document.getElementById('host')!, openShadowRoot));
    expect(chain).toEqual(['host', 'anchor', 'slot', 'masked', 'bar', 'body', 'html']);
    // Without the opener the wrapper stays out of sight: the reason the content script passes one.
    expect(names(renderedAncestors(document.getElementById('host')!, nothingOpens))).not.toContain('masked');
  });

  it('follow nested slotting and leave a shadow tree at its host', () => {
    document.body.innerHTML =
      '<x-outer id="outer"><ksef-wallet-login id="anchor"><div id="host"></div></ksef-wallet-login></x-outer>';
    const outerRoot = attach(
      document.getElementById('outer')!,
      'open',
      '<x-inner id="inner"><slot id="outer-slot"></slot></x-inner>',
    );
    attach(outerRoot.getElementById('inner')!, 'closed', '<p id="wrap"><slot id="inner-slot"></slot></p>');
    const chain = names(renderedAncestors(document.getElementById('host')!, openShadowRoot));
    expect(chain).toEqual([
      'host',
      'anchor',
      'outer-slot',
      'inner-slot',
      'wrap',
      'inner',
      'outer',
      'body',
      'html',
    ]);
  });

  it('start inside a shadow tree the page moved the anchor into', () => {
    document.body.innerHTML = '<section id="app"></section>';
    const root = attach(
      document.getElementById('app')!,
      'closed',
      '<div id="panel"><ksef-wallet-login id="anchor"></ksef-wallet-login></div>',
    );
    const host = document.createElement('div');
    host.id = 'host';
    root.getElementById('anchor')!.append(host);
    expect(names(renderedAncestors(host, openShadowRoot))).toEqual([
      'host',
      'anchor',
      'panel',
      'app',
      'body',
      'html',
    ]);
  });

  it('end at the last element of a detached tree', () => {
    const wrap = document.createElement('div');
    wrap.id = 'wrap';
    const host = document.createElement('div');
    host.id = 'host';
    wrap.append(host);
    expect(names(renderedAncestors(host, openShadowRoot))).toEqual(['host', 'wrap']);
    const fragment = document.createDocumentFragment();
    fragment.append(wrap);
    expect(names(renderedAncestors(host, openShadowRoot))).toEqual(['host', 'wrap']);
  });
});
