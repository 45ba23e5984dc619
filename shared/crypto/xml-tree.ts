/**
 * A minimal namespace-aware XML tree: what the XAdES signer builds and what the verifier reads back.
 * Reading uses fast-xml-parser (ordered mode, whitespace kept) behind guards for hostile files:
 *  - a size cap (SECURITY.md §4: XML 1 MiB) checked before any parsing;
 *  - any DOCTYPE is refused outright, so no entity can be declared — no XXE, no "billion laughs";
 *  - a well-formedness check first (fast-xml-parser's parser alone is lenient);
 *  - a depth cap, so a deeply nested file cannot exhaust the stack of our recursive code.
 * Namespaces are resolved here because fast-xml-parser leaves prefixes as written, and C14N needs
 * both the prefixes and the URIs.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ok } from '../result.ts';
import { type CryptoResult, cfail } from './errors.ts';

export const XML_LIMITS = Object.freeze({ MAX_BYTES: 1024 * 1024, MAX_DEPTH: 64, MAX_NODES: 20_000 });

export const NS = Object.freeze({
  XML: 'http://www.w3.org/XML/1998/namespace',
  XMLNS: 'http://www.w3.org/2000/xmlns/',
  DS: 'http://www.w3.org/2000/09/xmldsig#',
  XADES: 'http://uri.etsi.org/01903/v1.3.2#',
  XADES141: 'http://uri.etsi.org/01903/v1.4.1#',
  AUTH_2_0: 'http://ksef.mf.gov.pl/auth/token/2.0',
  AUTH_2_1: 'http://ksef.mf.gov.pl/auth/token/2.1',
});

export type XAttr = { readonly name: string; readonly value: string };
export type XText = { readonly kind: 'text'; readonly value: string };
export type XElement = {
  readonly kind: 'element';
  /** Qualified name as written (`ds:Signature`). */
  readonly name: string;
  /** Attributes in document order, `xmlns` / `xmlns:p` declarations included. */
  readonly attrs: XAttr[];
  readonly children: XNode[];
  parent?: XElement;
};
export type XNode = XElement | XText;

export const prefixOf = (qname: string): string =>
  qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '';
export const localOf = (qname: string): string =>
  qname.includes(':') ? qname.slice(qname.indexOf(':') + 1) : qname;
export const isNsDecl = (a: XAttr): boolean => a.name === 'xmlns' || a.name.startsWith('xmlns:');
export const declaredPrefix = (a: XAttr): string => (a.name === 'xmlns' ? '' : a.name.slice(6));

/** Namespace URI bound to `prefix` at `el` ('' = no namespace). */
export function lookupNs(el: XElement | undefined, prefix: string): string | undefined {
  if (prefix === 'xml') return NS.XML;
  for (let e = el; e; e = e.parent) {
    for (const a of e.attrs) if (isNsDecl(a) && declaredPrefix(a) === prefix) return a.value;
  }
  return prefix === '' ? '' : undefined;
}

export const nsOf = (el: XElement): string => lookupNs(el, prefixOf(el.name)) ?? '';

export const is = (node: XNode | undefined, ns: string, local: string): node is XElement =>
  node?.kind === 'element' && localOf(node.name) === local && nsOf(node) === ns;

export const elementChildren = (el: XElement): XElement[] =>
  el.children.filter((c): c is XElement => c.kind === 'element');

export const textOf = (el: XElement): string =>
  el.children.map((c) => (c.kind === 'text' ? c.value : textOf(c))).join('');

export function* descendants(el: XElement): Generator<XElement> {
  for (const c of el.children) {
    if (c.kind === 'element') {
      yield c;
      yield* descendants(c);
    }
  }
}

export function element(
  name: string,
  attrs: Record<string, string> = {},
  children: (XNode | string)[] = [],
): XElement {
  const el: XElement = {
    kind: 'element',
    name,
    attrs: Object.entries(attrs).map(([n, value]) => ({ name: n, value })),
    children: children.map((c) => (typeof c === 'string' ? { kind: 'text', value: c } : c)),
  };
  for (const c of el.children) if (c.kind === 'element') c.parent = el;
  return el;
}

export function appendChild(parent: XElement, child: XNode): void {
  parent.children.push(child);
  if (child.kind === 'element') child.parent = parent;
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Parses untrusted XML text into an `XElement` root, or a precise error code. */
export function parseXml(text: string): CryptoResult<XElement> {
  if (typeof text !== 'string') return cfail('XML_MALFORMED', 'not text');
  if (text.length > XML_LIMITS.MAX_BYTES)
    return cfail('INPUT_TOO_LARGE', `XML over ${XML_LIMITS.MAX_BYTES} bytes`);
  // XML 1.0 §2.11: line ends are normalised before parsing.
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (/<!DOCTYPE/i.test(src) || /<!ENTITY/i.test(src)) {
    return cfail('XML_DOCTYPE_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
  }
  // XML 1.0 §2.2 Char: control characters and U+FFFE/U+FFFF are not allowed, neither literally nor
  // as character references (a parser that silently drops `&#0;` would accept what KSeF refuses).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(src))
    return cfail('XML_MALFORMED', 'forbidden character');
  for (const m of src.matchAll(/&#(x[0-9a-fA-F]+|\d+);/g)) {
    const cp = m[1]!.startsWith('x') ? Number.parseInt(m[1]!.slice(1), 16) : Number.parseInt(m[1]!, 10);
    const allowed =
      cp === 0x9 ||
      cp === 0xa ||
      cp === 0xd ||
      (cp >= 0x20 && cp <= 0xd7ff) ||
      (cp >= 0xe000 && cp <= 0xfffd) ||
      (cp >= 0x10000 && cp <= 0x10ffff);
    if (!allowed) return cfail('XML_MALFORMED', 'forbidden character reference');
  }
  // The declaration is not part of the data model C14N sees, but a garbled one makes the file
  // unreadable for KSeF (21001), and only UTF-8 is accepted (21217).
  if (src.startsWith('<?xml')) {
    const decl =
      /^<\?xml\s+version\s*=\s*(["'])1\.\d\1(\s+encoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\3)?(\s+standalone\s*=\s*(["'])(yes|no)\6)?\s*\?>/.exec(
        src,
      );
    if (!decl) return cfail('XML_MALFORMED', 'malformed XML declaration');
    if (decl[4] !== undefined && decl[4].toLowerCase() !== 'utf-8')
      return cfail('XML_MALFORMED', 'encoding must be UTF-8');
  }
  // Only the five predefined entities and character references exist without a DTD (XML 1.0 §4.1).
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});)/.test(src)) {
    return cfail('XML_MALFORMED', 'undeclared entity or bare &');
  }
  let depth = 0;
  let maxDepth = 0;
  for (const m of src.matchAll(/<(\/?)[^!?][^>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else if (!m[2]) maxDepth = Math.max(maxDepth, ++depth);
    if (maxDepth > XML_LIMITS.MAX_DEPTH) return cfail('XML_MALFORMED', 'nested too deeply');
  }
  const valid = XMLValidator.validate(src, { allowBooleanAttributes: false });
  if (valid !== true) return cfail('XML_MALFORMED', `${valid.err.code} at line ${valid.err.line}`);
  let ordered: Ordered[];
  try {
    ordered = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      trimValues: false,
      parseTagValue: false,
      parseAttributeValue: false,
      processEntities: true,
      htmlEntities: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      commentPropName: '#comment',
      cdataPropName: '#cdata',
    }).parse(src) as Ordered[];
  } catch {
    return cfail('XML_MALFORMED', 'unparsable');
  }
  let nodes = 0;
  const convert = (o: Ordered, parent: XElement | undefined): XNode | undefined => {
    if (++nodes > XML_LIMITS.MAX_NODES) throw new RangeError('too many nodes');
    const key = Object.keys(o).find((k) => k !== ':@');
    if (key === undefined) return undefined;
    const body = o[key];
    if (key === '#text') return { kind: 'text', value: String(body) };
    if (key === '#comment') return undefined; // C14N without comments drops them
    if (key === '#cdata') {
      const inner = (body as Ordered[]).map((x) => String(x['#text'] ?? '')).join('');
      return { kind: 'text', value: inner };
    }
    const el: XElement = {
      kind: 'element',
      name: key,
      attrs: Object.entries(o[':@'] ?? {}).map(([name, value]) => ({ name, value: String(value) })),
      children: [],
      ...(parent ? { parent } : {}),
    };
    for (const child of body as Ordered[]) {
      const c = convert(child, el);
      if (!c) continue;
      const last = el.children.at(-1);
      // Adjacent text (text + CDATA) is one text node in the XPath data model C14N works on.
      if (c.kind === 'text' && last?.kind === 'text')
        el.children[el.children.length - 1] = { kind: 'text', value: last.value + c.value };
      else el.children.push(c);
    }
    return el;
  };
  try {
    const roots = ordered
      .map((o) => convert(o, undefined))
      .filter((n): n is XElement => n?.kind === 'element');
    if (roots.length !== 1) return cfail('XML_MALFORMED', 'exactly one root element expected');
    const root = roots[0]!;
    for (const el of [root, ...descendants(root)]) {
      if (lookupNs(el, prefixOf(el.name)) === undefined)
        return cfail('XML_MALFORMED', `undeclared prefix in ${el.name}`);
    }
    return ok(root);
  } catch {
    return cfail('INPUT_TOO_LARGE', 'too many XML nodes');
  }
}

const escText = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
const escAttr = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');

export const escapes = Object.freeze({ text: escText, attr: escAttr });

/** Serialises a tree we built, exactly as stored (declarations where we put them, attributes in order). */
export function serialize(el: XElement): string {
  const attrs = el.attrs.map((a) => ` ${a.name}="${escAttr(a.value)}"`).join('');
  const inner = el.children.map((c) => (c.kind === 'text' ? escText(c.value) : serialize(c))).join('');
  return `<${el.name}${attrs}>${inner}</${el.name}>`;
}
