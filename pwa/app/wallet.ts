/**
 * What the screens work with: the vault (clear lists readable while locked and offline; writes and
 * secrets need it unlocked) and the KSeF flows that run inside the key worker. In the PWA both go
 * over one MessagePort to the shared key worker (connectVault); tests may build them in process.
 */
import type { FlowClient } from '../flows/flow-client.ts';
import type { Vault } from '../vault/vault-api.ts';

export type Wallet = { readonly vault: Vault; readonly flows: FlowClient };
