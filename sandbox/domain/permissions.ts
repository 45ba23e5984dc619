/**
 * The minimum permission model for authentication (REFERENCE §7.2, §11 "Identity / permissions"):
 *  - the owner of a NIP (subject NIP = context NIP — on TEST any NIP is its own owner, no
 *    registration needed) has the owner's rights;
 *  - a PESEL linked to that NIP by `/testdata/person` is the owner too (+ EnforcementOperations
 *    for a bailiff);
 *  - `/testdata/permissions` grants (to a NIP, a PESEL or a certificate fingerprint) add theirs;
 *  - anything else has no permission in the context → auth status 415.
 * An InternalId context (`NIP-12345`, a subunit) belongs to the owner of its NIP; a NipVatUe
 * context (`NIP-VATUE`) only to subjects the NIP's owner granted permissions to (simplifications
 * of KSeF's permission registry, which the sandbox does not model further).
 */
import type { ContextIdentifier, SandboxState, SubjectIdentifier } from '../state/model.ts';

/** What a NIP's owner may do (the token-grantable set without EnforcementOperations). */
export const OWNER_PERMISSIONS = Object.freeze([
  'InvoiceWrite',
  'InvoiceRead',
  'Introspection',
  'CredentialsManage',
  'CredentialsRead',
  'SubunitManage',
]);

/** The NIP a context belongs to, or null (PeppolId contexts have no NIP). */
export function contextNip(context: ContextIdentifier): string | null {
  if (context.type === 'Nip') return context.value;
  if (context.type === 'InternalId' || context.type === 'NipVatUe')
    return context.value.split('-')[0] ?? null;
  return null;
}

const sameSubject = (a: SubjectIdentifier, b: SubjectIdentifier) =>
  a.type === b.type &&
  (a.type === 'Fingerprint' ? a.value.toUpperCase() === b.value.toUpperCase() : a.value === b.value);

function isOwner(
  state: SandboxState,
  subject: SubjectIdentifier,
  nip: string,
): { owner: boolean; bailiff: boolean } {
  if (subject.type === 'Nip' && subject.value === nip) return { owner: true, bailiff: false };
  const person = state.persons[nip];
  if (subject.type === 'Pesel' && person?.pesel === subject.value)
    return { owner: true, bailiff: person.isBailiff };
  return { owner: false, bailiff: false };
}

/** The subject's permissions in the context (empty: none — KSeF answers 415). */
export function permissionsIn(
  state: SandboxState,
  subject: SubjectIdentifier,
  context: ContextIdentifier,
): string[] {
  const nip = contextNip(context);
  if (!nip) return [];
  const granted = new Set<string>();
  if (context.type === 'Nip' || context.type === 'InternalId') {
    const { owner, bailiff } = isOwner(state, subject, nip);
    if (owner) {
      for (const p of OWNER_PERMISSIONS) granted.add(p);
      if (bailiff || state.subjects[nip]?.subjectType === 'EnforcementAuthority') {
        granted.add('EnforcementOperations');
      }
    }
  }
  if (context.type === 'Nip' || context.type === 'NipVatUe') {
    for (const grant of state.grants) {
      if (grant.context !== nip || !sameSubject(grant.authorized, subject)) continue;
      for (const p of grant.permissions) granted.add(p.permissionType);
    }
  }
  return [...granted];
}

/** A person marked `isDeceased` by /testdata/person, found by PESEL or by the person's NIP. */
export function isDeceased(state: SandboxState, subject: SubjectIdentifier | null): boolean {
  if (!subject) return false;
  return Object.values(state.persons).some(
    (p) =>
      p.isDeceased &&
      ((subject.type === 'Pesel' && p.pesel === subject.value) ||
        (subject.type === 'Nip' && p.nip === subject.value)),
  );
}

/** Identifiers that count as "the same subject" (NIP–PESEL link, REFERENCE §3.8, §3.9). */
export function linkedIdentifiers(state: SandboxState, subject: SubjectIdentifier): SubjectIdentifier[] {
  const out: SubjectIdentifier[] = [subject];
  for (const person of Object.values(state.persons)) {
    if (subject.type === 'Pesel' && person.pesel === subject.value)
      out.push({ type: 'Nip', value: person.nip });
    if (subject.type === 'Nip' && person.nip === subject.value)
      out.push({ type: 'Pesel', value: person.pesel });
  }
  return out;
}

export const isSameOrLinked = (state: SandboxState, a: SubjectIdentifier, b: SubjectIdentifier): boolean =>
  linkedIdentifiers(state, a).some((x) => sameSubject(x, b));
