/**
 * Seeded test data, so that `npm start` is usable at once (printed at start): three companies
 * with valid NIP checksums, one person (valid PESEL) who is an owner of the first company through
 * the NIP–PESEL link, and one permission grant — the accounting office may read and issue invoices
 * for the first company. On TEST (and here) any NIP is also its own owner without seeding.
 */
import type { Runtime } from '../runtime.ts';

export type SeedSummary = {
  readonly companies: readonly { name: string; nip: string }[];
  readonly persons: readonly { name: string; pesel: string; nip: string }[];
  readonly grants: readonly {
    context: { type: 'Nip'; value: string };
    authorized: { type: 'Nip' | 'Pesel' | 'Fingerprint'; value: string };
    permissions: readonly string[];
    description: string;
  }[];
};

export const SEED: SeedSummary = Object.freeze({
  companies: [
    { name: 'Przykładowa Spółka z o.o.', nip: '5250001233' },
    { name: 'Hurtownia Testowa S.A.', nip: '9512345675' },
    { name: 'Biuro Rachunkowe Próbne Sp. j.', nip: '6765432109' },
  ],
  persons: [{ name: 'Jan Przykładowy', pesel: '85031512344', nip: '5250001233' }],
  grants: [
    {
      context: { type: 'Nip', value: '5250001233' },
      authorized: { type: 'Nip', value: '6765432109' },
      permissions: ['InvoiceRead', 'InvoiceWrite'],
      description: 'Biuro rachunkowe obsługuje faktury spółki',
    },
  ],
});

export function applySeed(rt: Runtime): void {
  const now = rt.now();
  rt.state.companies = SEED.companies.map((c) => ({ ...c }));
  for (const p of SEED.persons) {
    rt.state.persons[p.nip] = {
      nip: p.nip,
      pesel: p.pesel,
      description: p.name,
      isBailiff: false,
      isDeceased: false,
      createdDate: now,
    };
  }
  for (const g of SEED.grants) {
    rt.state.grants.push({
      context: g.context.value,
      authorized: { ...g.authorized },
      permissions: g.permissions.map((permissionType) => ({ permissionType, description: g.description })),
    });
  }
  rt.store.changed();
}

/** What the state holds now, in the seed's shape (a state file may carry an older or edited seed). */
export function seedSummaryOf(rt: Runtime): SeedSummary {
  return {
    companies: rt.state.companies.map((c) => ({ ...c })),
    persons: Object.values(rt.state.persons).map((p) => ({
      name: p.description,
      pesel: p.pesel,
      nip: p.nip,
    })),
    grants: rt.state.grants.map((g) => ({
      context: { type: 'Nip' as const, value: g.context },
      authorized: { ...g.authorized },
      permissions: g.permissions.map((p) => p.permissionType),
      description: g.permissions[0]?.description ?? '',
    })),
  };
}

export function describeSeed(seed: SeedSummary): string[] {
  const lines: string[] = [];
  for (const c of seed.companies) lines.push(`firma   ${c.nip}  ${c.name}`);
  for (const p of seed.persons) lines.push(`osoba   PESEL ${p.pesel}  ${p.name} (właściciel NIP ${p.nip})`);
  for (const g of seed.grants) {
    lines.push(
      `uprawn. ${g.authorized.type} ${g.authorized.value} → NIP ${g.context.value}: ${g.permissions.join(', ')}`,
    );
  }
  return lines;
}
