/**
 * The KSeF `AuthTokenRequest` document (REFERENCE §6.1), built and read side by side.
 *
 *   <xsd:element name="AuthTokenRequest"><xsd:complexType><xsd:sequence>
 *     <xsd:element name="Challenge">            xsd:token, length 36, \d{8}-CR-[A-F0-9]{10}-[A-F0-9]{10}-[A-F0-9]{2}
 *     <xsd:element name="ContextIdentifier">     choice: Nip | InternalId | NipVatUe | PeppolId
 *     <xsd:element name="SubjectIdentifierType"> certificateSubject | certificateFingerprint
 *     <xsd:element name="AuthorizationPolicy" minOccurs="0">
 *       <AllowedIps> Ip4Address{0,10} Ip4Range{0,10} Ip4Mask{0,10} </AllowedIps>
 *   </xsd:sequence></xsd:complexType></xsd:element>
 *   targetNamespace http://ksef.mf.gov.pl/auth/token/2.0 (2.1 also accepted), elementFormDefault qualified
 *
 * The schema rules are enforced here in code because the official XSDs break strict engines: 2.0 uses
 * `\b` (not XSD regex), 2.1 keeps `^`/`$`, which XSD treats as literal characters, so genuine NipVatUe
 * and PeppolId values fail there (REFERENCE §6.1). The patterns below are the intended, anchored ones.
 */
import { ok } from '../result.ts';
import { type CryptoResult, cfail } from './errors.ts';
import {
  element,
  elementChildren,
  is,
  localOf,
  NS,
  nsOf,
  serialize,
  textOf,
  type XElement,
} from './xml-tree.ts';

export const AUTH_TOKEN_REQUEST_NS = NS.AUTH_2_0;
export const CHALLENGE_LIFETIME_MS = 10 * 60 * 1000;

export type ContextType = 'Nip' | 'InternalId' | 'NipVatUe' | 'PeppolId';
export type ContextIdentifier = { readonly type: ContextType; readonly value: string };
export type SubjectIdentifierType = 'certificateSubject' | 'certificateFingerprint';
export type AuthorizationPolicy = {
  readonly allowedIps: {
    readonly ip4Addresses?: readonly string[];
    readonly ip4Ranges?: readonly string[];
    readonly ip4Masks?: readonly string[];
  };
};
export type AuthTokenRequestInput = {
  readonly challenge: string;
  readonly context: ContextIdentifier;
  readonly subjectIdentifierType: SubjectIdentifierType;
  readonly authorizationPolicy?: AuthorizationPolicy;
};

const NIP = '[1-9]((\\d[1-9])|([1-9]\\d))\\d{7}';
const IP4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IP4 = `(${IP4_OCTET}\\.){3}${IP4_OCTET}`;
const VAT_UE =
  '((AT)(U\\d{8})|(BE)([01]{1}\\d{9})|(BG)(\\d{9,10})|(CY)(\\d{8}[A-Z])|(CZ)(\\d{8,10})|(DE)(\\d{9})|(DK)(\\d{8})|(EE)(\\d{9})|(EL)(\\d{9})|(ES)([A-Z]\\d{8}|\\d{8}[A-Z]|[A-Z]\\d{7}[A-Z])|(FI)(\\d{8})|(FR)[A-Z0-9]{2}\\d{9}|(HR)(\\d{11})|(HU)(\\d{8})|(IE)(\\d{7}[A-Z]{2}|\\d[A-Z0-9+*]\\d{5}[A-Z])|(IT)(\\d{11})|(LT)(\\d{9}|\\d{12})|(LU)(\\d{8})|(LV)(\\d{11})|(MT)(\\d{8})|(NL)([A-Z0-9+*]{12})|(PT)(\\d{9})|(RO)(\\d{2,10})|(SE)(\\d{12})|(SI)(\\d{8})|(SK)(\\d{10})|(XI)((\\d{9}|(\\d{12}))|(GD|HA)(\\d{3})))';

export const PATTERNS = Object.freeze({
  Challenge: /^\d{8}-CR-[A-F0-9]{10}-[A-F0-9]{10}-[A-F0-9]{2}$/,
  Nip: new RegExp(`^${NIP}$`),
  InternalId: new RegExp(`^${NIP}-\\d{5}$`),
  NipVatUe: new RegExp(`^${NIP}-${VAT_UE}$`),
  PeppolId: /^P[A-Z]{2}[0-9]{6}$/,
  Ip4Address: new RegExp(`^${IP4}$`),
  Ip4Range: new RegExp(`^${IP4}-${IP4}$`),
  Ip4Mask: new RegExp(`^${IP4}/(0|[1-9]|[12][0-9]|3[0-2])$`),
});

const CONTEXT_TYPES: readonly ContextType[] = ['Nip', 'InternalId', 'NipVatUe', 'PeppolId'];
const SUBJECT_TYPES: readonly SubjectIdentifierType[] = ['certificateSubject', 'certificateFingerprint'];
const MAX_IPS = 10;

/** xsd:token whitespace facet "collapse". */
const collapse = (s: string) => s.replace(/[\t\n\r ]+/g, ' ').trim();

const schema = (detail: string) => cfail('AUTH_REQUEST_SCHEMA', detail);

export function validateAuthTokenRequestInput(
  input: AuthTokenRequestInput,
): CryptoResult<AuthTokenRequestInput> {
  if (!PATTERNS.Challenge.test(input.challenge ?? ''))
    return schema('Challenge does not match the KSeF pattern');
  if (!CONTEXT_TYPES.includes(input.context?.type)) return schema('unknown ContextIdentifier type');
  if (!PATTERNS[input.context.type].test(input.context.value ?? '')) {
    return schema(`${input.context.type} does not match the KSeF pattern`);
  }
  if (!SUBJECT_TYPES.includes(input.subjectIdentifierType)) return schema('unknown SubjectIdentifierType');
  const ips = input.authorizationPolicy?.allowedIps;
  if (input.authorizationPolicy && !ips) return schema('AuthorizationPolicy needs AllowedIps');
  for (const [name, list] of [
    ['Ip4Address', ips?.ip4Addresses],
    ['Ip4Range', ips?.ip4Ranges],
    ['Ip4Mask', ips?.ip4Masks],
  ] as const) {
    if (!list) continue;
    if (list.length > MAX_IPS) return schema(`more than ${MAX_IPS} ${name}`);
    for (const v of list)
      if (!PATTERNS[name].test(v)) return schema(`${name} ${JSON.stringify(v)} is not valid`);
  }
  return ok(input);
}

/** The request as a tree, for the signer. `indent` adds the whitespace the downloadable copy has. */
export function authTokenRequestTree(input: AuthTokenRequestInput, indent = false): XElement {
  const nl = (depth: number) => (indent ? [`\n${'  '.repeat(depth)}`] : []);
  const block = (name: string, depth: number, kids: XElement[]) =>
    element(name, {}, [...kids.flatMap((k) => [...nl(depth + 1), k]), ...nl(depth)]);
  const ips = input.authorizationPolicy?.allowedIps;
  const policy = input.authorizationPolicy
    ? [
        block('AuthorizationPolicy', 1, [
          block('AllowedIps', 2, [
            ...(ips?.ip4Addresses ?? []).map((v) => element('Ip4Address', {}, [v])),
            ...(ips?.ip4Ranges ?? []).map((v) => element('Ip4Range', {}, [v])),
            ...(ips?.ip4Masks ?? []).map((v) => element('Ip4Mask', {}, [v])),
          ]),
        ]),
      ]
    : [];
  const root = block('AuthTokenRequest', 0, [
    element('Challenge', {}, [input.challenge]),
    block('ContextIdentifier', 1, [element(input.context.type, {}, [input.context.value])]),
    element('SubjectIdentifierType', {}, [input.subjectIdentifierType]),
    ...policy,
  ]);
  root.attrs.push({ name: 'xmlns', value: AUTH_TOKEN_REQUEST_NS });
  return root;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/** The unsigned request for "Download authorization request" (signed elsewhere, REFERENCE §5.2). */
export function buildUnsignedAuthTokenRequest(input: AuthTokenRequestInput): CryptoResult<string> {
  const v = validateAuthTokenRequestInput(input);
  if (!v.ok) return v;
  return ok(`${XML_DECLARATION}${serialize(authTokenRequestTree(input, true))}\n`);
}

export type ParsedAuthTokenRequest = AuthTokenRequestInput & {
  readonly namespace: string;
  /** The ds:Signature children of the root (the verifier decides what one or several mean). */
  readonly signatures: readonly XElement[];
};

/** Reads a request tree, enforcing the XSD rules; `ds:Signature` children at the end are collected. */
export function readAuthTokenRequest(root: XElement): CryptoResult<ParsedAuthTokenRequest> {
  const ns = nsOf(root);
  if (localOf(root.name) !== 'AuthTokenRequest' || (ns !== NS.AUTH_2_0 && ns !== NS.AUTH_2_1)) {
    return cfail('XML_WRONG_NAMESPACE', `root is {${ns}}${localOf(root.name)}`);
  }
  for (const c of root.children)
    if (c.kind === 'text' && c.value.trim() !== '') return schema('text in AuthTokenRequest');
  const kids = elementChildren(root);
  const signatures = kids.filter((k) => is(k, NS.DS, 'Signature'));
  const body = kids.filter((k): boolean => !is(k, NS.DS, 'Signature'));
  const firstSig = kids.findIndex((k) => is(k, NS.DS, 'Signature'));
  if (firstSig !== -1 && kids.slice(firstSig).some((k) => !is(k, NS.DS, 'Signature'))) {
    return schema('elements after the signature');
  }
  const named = (el: XElement | undefined, local: string): boolean => !!el && is(el, ns, local);
  const noAttrs = (el: XElement) =>
    el.attrs.every((a) => a.name === 'xmlns' || a.name.startsWith('xmlns:') || a.name.startsWith('xsi:'));
  for (const el of body) if (!noAttrs(el)) return schema(`unexpected attribute on ${el.name}`);
  const [challengeEl, contextEl, subjectEl, policyEl, ...extra] = body;
  if (!challengeEl || !named(challengeEl, 'Challenge')) return schema('Challenge expected first');
  if (!contextEl || !named(contextEl, 'ContextIdentifier'))
    return schema('ContextIdentifier expected second');
  if (!subjectEl || !named(subjectEl, 'SubjectIdentifierType'))
    return schema('SubjectIdentifierType expected third');
  if (policyEl && !named(policyEl, 'AuthorizationPolicy'))
    return schema(`unexpected element ${policyEl.name}`);
  if (extra.length > 0) return schema(`unexpected element ${extra[0]!.name}`);
  const ctxKids = elementChildren(contextEl);
  const ctx = ctxKids[0];
  if (
    ctxKids.length !== 1 ||
    !ctx ||
    nsOf(ctx) !== ns ||
    !CONTEXT_TYPES.includes(localOf(ctx.name) as ContextType)
  ) {
    return schema('ContextIdentifier must hold exactly one of Nip, InternalId, NipVatUe, PeppolId');
  }
  let authorizationPolicy: AuthorizationPolicy | undefined;
  if (policyEl) {
    const [allowed, ...more] = elementChildren(policyEl);
    if (!allowed || !named(allowed, 'AllowedIps') || more.length > 0)
      return schema('AuthorizationPolicy must hold one AllowedIps');
    const lists: Record<'Ip4Address' | 'Ip4Range' | 'Ip4Mask', string[]> = {
      Ip4Address: [],
      Ip4Range: [],
      Ip4Mask: [],
    };
    const order = ['Ip4Address', 'Ip4Range', 'Ip4Mask'] as const;
    let at = 0;
    for (const ip of elementChildren(allowed)) {
      const local = localOf(ip.name) as (typeof order)[number];
      const idx = order.indexOf(local);
      if (nsOf(ip) !== ns || idx < at) return schema(`unexpected or misplaced ${ip.name} in AllowedIps`);
      at = idx;
      lists[local].push(collapse(textOf(ip)));
    }
    authorizationPolicy = {
      allowedIps: { ip4Addresses: lists.Ip4Address, ip4Ranges: lists.Ip4Range, ip4Masks: lists.Ip4Mask },
    };
  }
  const parsed = {
    challenge: collapse(textOf(challengeEl)),
    context: { type: localOf(ctx.name) as ContextType, value: textOf(ctx) },
    subjectIdentifierType: collapse(textOf(subjectEl)) as SubjectIdentifierType,
    ...(authorizationPolicy ? { authorizationPolicy } : {}),
  };
  const v = validateAuthTokenRequestInput(parsed);
  if (!v.ok) return v;
  return ok({ ...parsed, namespace: ns, signatures });
}
