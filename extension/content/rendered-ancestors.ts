/**
 * Every element whose paint effects apply to our button: the host and its ancestors in the *flat*
 * tree, the tree the browser renders. A page can slot the opt-in element into a web component
 * whose shadow root wraps the <slot> in a mask; the DOM parent chain skips that wrapper, the flat
 * tree does not. A closed shadow root hides its slots from `assignedSlot` (it answers null), so
 * the caller passes `openShadowRoot` (chrome.dom.openOrClosedShadowRoot in the content script) to
 * look inside it.
 */

/** Enough steps for any real page; a cycle cannot happen in a DOM, this only bounds a surprise. */
const MAX_DEPTH = 10_000;

export type ShadowRootOpener = (element: Element) => ShadowRoot | null;

export function renderedAncestors(start: Element, openShadowRoot: ShadowRootOpener): Element[] {
  const chain: Element[] = [];
  for (let el: Element | null = start; el !== null && chain.length < MAX_DEPTH; ) {
    chain.push(el);
    el = flatTreeParent(el, openShadowRoot);
  }
  return chain;
}

function flatTreeParent(el: Element, openShadowRoot: ShadowRootOpener): Element | null {
  const parent = el.parentNode;
  if (parent === null) return null;
  // The top of a shadow tree: rendering continues at its host.
  if (parent.nodeType === Node.DOCUMENT_FRAGMENT_NODE) return (parent as ShadowRoot).host ?? null;
  if (parent.nodeType !== Node.ELEMENT_NODE) return null;
  const parentElement = parent as Element;
  const root = parentElement.shadowRoot ?? openShadowRoot(parentElement);
  // A light child of a shadow host renders where it is slotted (or not at all: then the parent
  // is as good as any, nothing of it is painted).
  if (root === null) return parentElement;
  return el.assignedSlot ?? slotOf(el, root) ?? parentElement;
}

function slotOf(el: Element, root: ShadowRoot): HTMLSlotElement | null {
  for (const slot of root.querySelectorAll('slot')) if (slot.assignedNodes().includes(el)) return slot;
  return null;
}
