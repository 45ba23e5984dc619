/**
 * The AuthTokenRequest schema (REFERENCE §6.1), checked in code: the official XSDs cannot be used
 * as they are (2.0 does not compile in libxml2; 2.1 writes `^`/`$` that strict engines read as
 * literal characters while KSeF's .NET validator treats them as anchors). The facets themselves —
 * every pattern, the challenge length — are read from the official XSD files at start, so nothing
 * is hand-copied; only the structure (sequence, choice, occurrences) is written here.
 * The enveloped ds:Signature is skipped, as KSeF evidently does before validating.
 */
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import type { AllowedIps, ContextIdentifier, ContextType } from '../state/model.ts';
import { childElements, hasTextContent } from './xml-guard.ts';

export const AUTH_NAMESPACES = Object.freeze({
  v20: 'http://ksef.mf.gov.pl/auth/token/2.0',
  v21: 'http://ksef.mf.gov.pl/auth/token/2.1',
});
const XSD = 'http://www.w3.org/2001/XMLSchema';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS = 'http://www.w3.org/2000/xmlns/';
export const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

export type AuthTokenRequestData = {
  namespace: string;
  challenge: string;
  context: ContextIdentifier;
  subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint';
  allowedIps: AllowedIps | null;
};

type Facets = { patterns: RegExp[]; length?: number; collapse: boolean };
type SchemaFacets = Record<
  'Challenge' | 'Ip4Address' | 'Ip4Range' | 'Ip4Mask' | ContextType | 'SubjectIdentifierType',
  Facets & { enumeration?: string[] }
>;

/**
 * XSD patterns are implicitly anchored; `^`/`$` at the ends are dropped because KSeF (.NET) reads
 * them as anchors too (REFERENCE §6.1), and the rest is valid JavaScript regex syntax as written.
 */
const toRegExp = (pattern: string) => new RegExp(`^(?:${pattern.replace(/^\^/, '').replace(/\$$/, '')})$`);

function readFacets(restriction: Element): Facets & { enumeration?: string[] } {
  const facets: Facets & { enumeration?: string[] } = {
    patterns: [],
    collapse: restriction.getAttribute('base') === 'xsd:token',
  };
  for (const f of childElements(restriction)) {
    const value = f.getAttribute('value') ?? '';
    if (f.localName === 'pattern') facets.patterns.push(toRegExp(value));
    if (f.localName === 'length') facets.length = Number(value);
    if (f.localName === 'enumeration') facets.enumeration = [...(facets.enumeration ?? []), value];
  }
  return facets;
}

const schemaCache = new Map<string, SchemaFacets>();

function facetsFor(namespace: string): SchemaFacets {
  const cached = schemaCache.get(namespace);
  if (cached) return cached;
  const file = namespace === AUTH_NAMESPACES.v21 ? 'schemat_auth_v2-1.xsd' : 'schemat_auth_v2-0.xsd';
  const text = readFileSync(new URL(`../../shared/ksef/spec/${file}`, import.meta.url), 'utf8');
  const doc = new DOMParser().parseFromString(text, 'text/xml') as unknown as Document;
  const restrictionOf = (el: Element | undefined) =>
    el ? Array.from(el.getElementsByTagNameNS(XSD, 'restriction'))[0] : undefined;
  const elements = Array.from(doc.getElementsByTagNameNS(XSD, 'element'));
  const types = Array.from(doc.getElementsByTagNameNS(XSD, 'simpleType'));
  const byElement = (name: string) => restrictionOf(elements.find((e) => e.getAttribute('name') === name));
  const byType = (name: string) => restrictionOf(types.find((t) => t.getAttribute('name') === name));
  const need = (r: Element | undefined, what: string) => {
    if (!r) throw new Error(`${file}: no restriction for ${what}`);
    return readFacets(r);
  };
  const facets: SchemaFacets = {
    Challenge: need(byElement('Challenge'), 'Challenge'),
    Ip4Address: need(byElement('Ip4Address'), 'Ip4Address'),
    Ip4Range: need(byElement('Ip4Range'), 'Ip4Range'),
    Ip4Mask: need(byElement('Ip4Mask'), 'Ip4Mask'),
    Nip: need(byType('TNIP'), 'TNIP'),
    InternalId: need(byType('TIID'), 'TIID'),
    NipVatUe: need(byType('TNipVatUE'), 'TNipVatUE'),
    PeppolId: need(byType('TPeppolId'), 'TPeppolId'),
    SubjectIdentifierType: need(byType('SubjectIdentifierTypeEnum'), 'SubjectIdentifierTypeEnum'),
  };
  schemaCache.set(namespace, facets);
  return facets;
}

export type RequestReadResult = { ok: true; value: AuthTokenRequestData } | { ok: false; details: string[] };

const quote = (el: Element) => `'${el.localName}'`;

function simpleValue(el: Element, facets: Facets & { enumeration?: string[] }, errors: string[]): string {
  if (childElements(el).length > 0) {
    errors.push(`The element ${quote(el)} cannot contain child elements.`);
    return '';
  }
  const raw = el.textContent ?? '';
  // xsd:token collapses whitespace before the facets apply; xsd:string keeps it.
  const value = facets.collapse ? raw.replace(/[\t\n\r ]+/g, ' ').trim() : raw;
  if (facets.length !== undefined && value.length !== facets.length) {
    errors.push(
      `The element ${quote(el)} has an invalid value '${value}': the length must be ${facets.length}.`,
    );
  } else if (facets.patterns.length && !facets.patterns.some((p) => p.test(value))) {
    errors.push(`The element ${quote(el)} has an invalid value '${value}' according to its pattern.`);
  } else if (facets.enumeration && !facets.enumeration.includes(value)) {
    errors.push(
      `The element ${quote(el)} has an invalid value '${value}': not one of ${facets.enumeration.join(', ')}.`,
    );
  }
  return value;
}

function checkAttributes(el: Element, errors: string[], allowXsi: boolean): void {
  for (const attr of Array.from(el.attributes)) {
    if (attr.namespaceURI === XMLNS || attr.name === 'xmlns' || attr.name.startsWith('xmlns:')) continue;
    if (allowXsi && attr.namespaceURI === XSI) continue;
    errors.push(`The attribute '${attr.name}' is not declared on ${quote(el)}.`);
  }
}

/** Reads and checks an AuthTokenRequest element; enveloped ds:Signature children are skipped. */
export function readAuthTokenRequest(root: Element): RequestReadResult {
  const ns = root.namespaceURI ?? '';
  if (root.localName !== 'AuthTokenRequest' || (ns !== AUTH_NAMESPACES.v20 && ns !== AUTH_NAMESPACES.v21)) {
    return {
      ok: false,
      details: [`The '${ns}:${root.localName}' element is not declared.`],
    };
  }
  const facets = facetsFor(ns);
  const errors: string[] = [];
  checkAttributes(root, errors, true);
  if (hasTextContent(root)) errors.push(`The element ${quote(root)} cannot contain text.`);
  const children = childElements(root).filter(
    (c) => !(c.namespaceURI === DSIG && c.localName === 'Signature'),
  );
  const wrongNs = children.find((c) => c.namespaceURI !== ns);
  if (wrongNs) {
    errors.push(
      `The element ${quote(root)} has invalid child element '${wrongNs.namespaceURI}:${wrongNs.localName}'.`,
    );
    return { ok: false, details: errors };
  }
  const order = ['Challenge', 'ContextIdentifier', 'SubjectIdentifierType', 'AuthorizationPolicy'];
  const names = children.map((c) => c.localName);
  const expected = names.length >= 3 && names.length <= 4 && names.every((n, i) => n === order[i]);
  if (!expected) {
    errors.push(
      `The element ${quote(root)} has invalid content: found [${names.join(', ')}], expected Challenge, ContextIdentifier, SubjectIdentifierType and optionally AuthorizationPolicy, in this order.`,
    );
    return { ok: false, details: errors };
  }
  const [challengeEl, contextEl, subjectTypeEl, policyEl] = children as [Element, Element, Element, Element?];
  for (const el of children) checkAttributes(el, errors, false);
  const challenge = simpleValue(challengeEl, facets.Challenge, errors);

  let context: ContextIdentifier = { type: 'Nip', value: '' };
  const contextChildren = childElements(contextEl);
  const choice = contextChildren[0];
  if (hasTextContent(contextEl)) errors.push(`The element ${quote(contextEl)} cannot contain text.`);
  if (
    contextChildren.length !== 1 ||
    !choice ||
    choice.namespaceURI !== ns ||
    !['Nip', 'InternalId', 'NipVatUe', 'PeppolId'].includes(choice.localName)
  ) {
    errors.push(
      `The element ${quote(contextEl)} must contain exactly one of Nip, InternalId, NipVatUe, PeppolId.`,
    );
  } else {
    const type = choice.localName as ContextType;
    checkAttributes(choice, errors, false);
    context = { type, value: simpleValue(choice, facets[type], errors) };
  }
  const subjectIdentifierType = simpleValue(subjectTypeEl, facets.SubjectIdentifierType, errors);

  let allowedIps: AllowedIps | null = null;
  if (policyEl) {
    const policyChildren = childElements(policyEl);
    const allowed = policyChildren[0];
    if (
      hasTextContent(policyEl) ||
      policyChildren.length !== 1 ||
      !allowed ||
      allowed.localName !== 'AllowedIps' ||
      allowed.namespaceURI !== ns
    ) {
      errors.push(`The element ${quote(policyEl)} must contain exactly one AllowedIps element.`);
    } else {
      checkAttributes(allowed, errors, false);
      const lists = { Ip4Address: [] as string[], Ip4Range: [] as string[], Ip4Mask: [] as string[] };
      const sequence = ['Ip4Address', 'Ip4Range', 'Ip4Mask'] as const;
      let position = 0;
      for (const item of childElements(allowed)) {
        const at = sequence.indexOf(item.localName as (typeof sequence)[number]);
        if (item.namespaceURI !== ns || at < position) {
          errors.push(`The element 'AllowedIps' has invalid child element '${item.localName}'.`);
          break;
        }
        position = at;
        const kind = sequence[at]!;
        checkAttributes(item, errors, false);
        lists[kind].push(simpleValue(item, facets[kind], errors));
      }
      if (hasTextContent(allowed)) errors.push(`The element 'AllowedIps' cannot contain text.`);
      for (const kind of sequence) {
        if (lists[kind].length > 10)
          errors.push(`The element 'AllowedIps' has more than 10 '${kind}' elements.`);
      }
      allowedIps = { ip4Addresses: lists.Ip4Address, ip4Ranges: lists.Ip4Range, ip4Masks: lists.Ip4Mask };
    }
  }
  if (errors.length) return { ok: false, details: errors };
  return {
    ok: true,
    value: {
      namespace: ns,
      challenge,
      context,
      subjectIdentifierType: subjectIdentifierType as AuthTokenRequestData['subjectIdentifierType'],
      allowedIps,
    },
  };
}
