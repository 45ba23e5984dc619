/**
 * The extension's own IndexedDB (extension origin). Settings whose integrity matters live here,
 * not in chrome.storage.local, because content scripts can read and write that area
 * (SECURITY.md §3.9). No key material is ever stored by the extension (SECURITY.md T2).
 */
import Dexie, { type EntityTable } from 'dexie';
import type { CustomEnvironmentId } from '../../shared/ksef/transport-types.ts';

export type CustomEnvironmentRow = {
  readonly id: CustomEnvironmentId;
  readonly label: string;
  /** Normalized by parseCustomBaseUrl: http, loopback host, explicit port, path /v2. */
  readonly baseUrl: string;
  readonly addedAt: number;
};

export class ExtensionDb extends Dexie {
  environments!: EntityTable<CustomEnvironmentRow, 'id'>;
  constructor(name = 'ksef-wallet-extension') {
    super(name);
    this.version(1).stores({ environments: 'id' });
  }
}

let db: ExtensionDb | undefined;
export const extensionDb = (): ExtensionDb => {
  db ??= new ExtensionDb();
  return db;
};
