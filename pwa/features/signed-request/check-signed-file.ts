/**
 * Checks a signed AuthTokenRequest file the user picked, before it goes to KSeF, so a wrong or
 * broken file gets a precise message instead of KSeF's generic 9101/9102/21111 after a round trip
 * (REFERENCE.md §3.2, §6.1). Only structure and content are checked here; the signature itself is
 * verified by KSeF. The bytes are passed on unchanged: whitespace is significant once signed.
 *
 * fast-xml-parser is imported lazily so it stays out of the PWA's first load.
 */
import { ENVELOPE_LIMITS } from '../../../shared/protocol/constants.ts';

/** docs: AuthTokenRequest namespaces 2.0 and 2.1 (2.1 accepted since API 2.5.0). */
export const AUTH_TOKEN_REQUEST_NAMESPACES = Object.freeze([
  'http://ksef.mf.gov.pl/auth/token/2.0',
  'http://ksef.mf.gov.pl/auth/token/2.1',
]);
const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export type SignedFileProblem =
  | 'too-large'
  | 'not-utf8'
  | 'not-xml'
  | 'doctype'
  | 'not-auth-request'
  | 'not-signed'
  | 'several-signatures'
  | 'wrong-challenge'
  | 'wrong-nip';

export type SignedFileCheck =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly challenge: string }
  | { readonly ok: false; readonly problem: SignedFileProblem };

type Node = Record<string, unknown>;
const localName = (key: string) => key.slice(key.indexOf(':') + 1);
const children = (node: unknown): [string, unknown][] =>
  node && typeof node === 'object' ? Object.entries(node as Node).filter(([k]) => !k.startsWith('@_')) : [];

function namespaceOf(
  key: string,
  node: unknown,
  inherited: Readonly<Record<string, string>>,
): string | undefined {
  const prefix = key.includes(':') ? key.slice(0, key.indexOf(':')) : '';
  const attrs = node && typeof node === 'object' ? (node as Node) : {};
  const own = attrs[prefix ? `@_xmlns:${prefix}` : '@_xmlns'];
  return typeof own === 'string' ? own : inherited[prefix];
}

function scopeOf(node: unknown, inherited: Readonly<Record<string, string>>): Record<string, string> {
  const scope = { ...inherited };
  for (const [k, v] of Object.entries(node && typeof node === 'object' ? (node as Node) : {})) {
    if (k === '@_xmlns' && typeof v === 'string') scope[''] = v;
    else if (k.startsWith('@_xmlns:') && typeof v === 'string') scope[k.slice(8)] = v;
  }
  return scope;
}

/** Every element named `local` in namespace `ns`, anywhere in the tree. */
function findAll(
  tree: unknown,
  local: string,
  ns: readonly string[],
  scope: Readonly<Record<string, string>> = {},
): { node: unknown; scope: Record<string, string> }[] {
  const out: { node: unknown; scope: Record<string, string> }[] = [];
  for (const [key, value] of children(tree)) {
    for (const node of Array.isArray(value) ? value : [value]) {
      const inner = scopeOf(node, scope);
      const nodeNs = namespaceOf(key, node, scope);
      if (localName(key) === local && nodeNs !== undefined && ns.includes(nodeNs))
        out.push({ node, scope: inner });
      out.push(...findAll(node, local, ns, inner));
    }
  }
  return out;
}

function textOf(node: unknown, local: string): string | undefined {
  for (const [key, value] of children(node)) {
    if (localName(key) !== local) continue;
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v === 'string' || typeof v === 'number') return String(v).trim();
    if (v && typeof v === 'object' && '#text' in v) return String((v as Node)['#text']).trim();
  }
  return undefined;
}

function childNode(node: unknown, local: string): unknown {
  for (const [key, value] of children(node))
    if (localName(key) === local) return Array.isArray(value) ? value[0] : value;
  return undefined;
}

export async function checkSignedFile(
  bytes: Uint8Array,
  expected: { readonly challenge: string; readonly nip: string },
): Promise<SignedFileCheck> {
  if (bytes.byteLength > ENVELOPE_LIMITS.MAX_BODY_BYTES) return { ok: false, problem: 'too-large' };
  let text: string;
  try {
    // KSeF wants UTF-8 (error 21217 otherwise); a UTF-16 or Windows-1250 file fails here first.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: 'not-utf8' };
  }
  // A DOCTYPE has no place in an AuthTokenRequest and is how entity-expansion attacks start.
  if (/<!DOCTYPE/i.test(text)) return { ok: false, problem: 'doctype' };
  const { XMLParser, XMLValidator } = await import('fast-xml-parser');
  if (XMLValidator.validate(text) !== true) return { ok: false, problem: 'not-xml' };
  const tree: unknown = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    processEntities: false,
    parseTagValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  }).parse(text);

  // Enveloped (root AuthTokenRequest) or enveloping (root ds:Signature with the request in ds:Object).
  const requests = findAll(tree, 'AuthTokenRequest', AUTH_TOKEN_REQUEST_NAMESPACES);
  if (requests.length !== 1) return { ok: false, problem: 'not-auth-request' };
  const signatures = findAll(tree, 'Signature', [XMLDSIG_NS]);
  if (signatures.length === 0) return { ok: false, problem: 'not-signed' };
  // KSeF 9103: more than one signature is refused.
  if (signatures.length > 1) return { ok: false, problem: 'several-signatures' };

  const request = requests[0]?.node;
  const challenge = textOf(request, 'Challenge');
  if (challenge !== expected.challenge) return { ok: false, problem: 'wrong-challenge' };
  const nip = textOf(childNode(request, 'ContextIdentifier'), 'Nip');
  if (nip !== expected.nip) return { ok: false, problem: 'wrong-nip' };
  return { ok: true, bytes, challenge };
}
