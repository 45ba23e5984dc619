/**
 * Canonical XML for XML-DSig: Exclusive C14N 1.0 (http://www.w3.org/2001/10/xml-exc-c14n#) and, for
 * verifying files signed elsewhere, inclusive C14N 1.0 / 1.1 (REFERENCE §6.2 lists all three).
 * Comments are never part of our trees, so the #WithComments variants of a same-document reference
 * give the same bytes (XML-DSig §4.4.3.3: URI="" and "#id" drop comments anyway).
 *
 * Why written here rather than taken from a library: the maintained canonicalizers (xml-crypto's,
 * xmldsigjs's) run on a W3C DOM — @xmldom/xmldom or the browser's — and the key worker has no DOM;
 * adding a DOM implementation to the PWA bundle for ~100 lines of well-specified serialisation is the
 * worse trade. It is checked against xmlsec1 (tests/integration/crypto-interop), and covers only what
 * a node-set made of "an element subtree, minus one excluded subtree" needs: no XPath node-sets, no
 * xml:* attribute inheritance (C14N 1.1 §2.4 — our documents carry none), no PIs inside the root.
 */
import { declaredPrefix, escapes, isNsDecl, localOf, lookupNs, prefixOf, type XElement } from './xml-tree.ts';

export const C14N = Object.freeze({
  EXCLUSIVE: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  EXCLUSIVE_WITH_COMMENTS: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  INCLUSIVE_10: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  INCLUSIVE_10_WITH_COMMENTS: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  INCLUSIVE_11: 'http://www.w3.org/2006/12/xml-c14n11',
  INCLUSIVE_11_WITH_COMMENTS: 'http://www.w3.org/2006/12/xml-c14n11#WithComments',
});

export type C14nMode = { readonly exclusive: boolean; readonly inclusivePrefixes?: readonly string[] };

export function c14nModeOf(
  algorithm: string,
  inclusivePrefixes: readonly string[] = [],
): C14nMode | undefined {
  switch (algorithm) {
    case C14N.EXCLUSIVE:
    case C14N.EXCLUSIVE_WITH_COMMENTS:
      return { exclusive: true, inclusivePrefixes };
    case C14N.INCLUSIVE_10:
    case C14N.INCLUSIVE_10_WITH_COMMENTS:
    case C14N.INCLUSIVE_11:
    case C14N.INCLUSIVE_11_WITH_COMMENTS:
      return { exclusive: false };
    default:
      return undefined;
  }
}

/** All namespace bindings in scope at `el` (nearest declaration wins). */
function inScope(el: XElement): Map<string, string> {
  const chain: XElement[] = [];
  for (let e: XElement | undefined = el; e; e = e.parent) chain.unshift(e);
  const m = new Map<string, string>();
  for (const e of chain) for (const a of e.attrs) if (isNsDecl(a)) m.set(declaredPrefix(a), a.value);
  return m;
}

/**
 * Canonical form of `apex` and its descendants, leaving out `exclude` (the enveloped Signature) and
 * everything under it.
 */
export function canonicalize(apex: XElement, mode: C14nMode, exclude?: XElement): string {
  const out: string[] = [];
  const walk = (el: XElement, rendered: ReadonlyMap<string, string>) => {
    const scope = inScope(el);
    let wanted: [string, string][];
    if (mode.exclusive) {
      // Exclusive: only prefixes visibly used by this element or its attributes (Exc-C14N §3),
      // plus the InclusiveNamespaces PrefixList treated as in inclusive C14N.
      const used = new Set<string>([prefixOf(el.name)]);
      for (const a of el.attrs) if (!isNsDecl(a) && a.name.includes(':')) used.add(prefixOf(a.name));
      for (const p of mode.inclusivePrefixes ?? [])
        if (scope.has(p === '#default' ? '' : p)) used.add(p === '#default' ? '' : p);
      wanted = [...used].filter((p) => p !== 'xml').map((p) => [p, lookupNs(el, p) ?? '']);
    } else {
      wanted = [...scope.entries()];
    }
    const next = new Map(rendered);
    const decls: [string, string][] = [];
    for (const [p, uri] of wanted) {
      const before = rendered.get(p);
      // xmlns="" is output only to undo a default namespace that an output ancestor rendered.
      if (p === '' && uri === '' && (before === undefined || before === '')) continue;
      if (before === uri) continue;
      decls.push([p, uri]);
      next.set(p, uri);
    }
    decls.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const attrs = el.attrs
      .filter((a) => !isNsDecl(a))
      .map((a) => {
        const p = prefixOf(a.name);
        return { ns: p === '' ? '' : (lookupNs(el, p) ?? ''), local: localOf(a.name), a };
      })
      .sort((x, y) =>
        x.ns !== y.ns ? (x.ns < y.ns ? -1 : 1) : x.local < y.local ? -1 : x.local > y.local ? 1 : 0,
      );
    out.push(`<${el.name}`);
    for (const [p, uri] of decls) out.push(` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${escapes.attr(uri)}"`);
    for (const { a } of attrs) out.push(` ${a.name}="${escapes.attr(a.value)}"`);
    out.push('>');
    for (const c of el.children) {
      if (c.kind === 'text') out.push(escapes.text(c.value));
      else if (c !== exclude) walk(c, next);
    }
    out.push(`</${el.name}>`);
  };
  walk(apex, new Map());
  return out.join('');
}
