/**
 * The key worker's RPC at its boundary: the worker answers only well-formed requests for listed
 * methods with valid arguments, never echoes an exception's text (it could hold a secret), and the
 * page refuses any reply that is not plain data — a `CryptoKey` never reaches the main thread (T1).
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { RPC } from '../../../pwa/vault/rpc-contract.ts';
import { serveVault } from '../../../pwa/vault/rpc-server.ts';
import type { Vault } from '../../../pwa/vault/vault-api.ts';
import { createVaultClient, VaultUnavailableError } from '../../../pwa/vault/vault-client.ts';
import { VaultService } from '../../../pwa/vault/vault-service.ts';
import { realPlatform } from './node-harness.ts';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});

function served(vault: Vault = newService()) {
  const { port1, port2 } = new MessageChannel();
  serveVault(port2 as never, vault);
  open.push(port1, port2);
  const send = (msg: unknown, timeoutMs = 1000) =>
    new Promise<unknown>((resolve) => {
      const t = setTimeout(() => resolve('no reply'), timeoutMs);
      port1.once('message', (data) => {
        clearTimeout(t);
        resolve(data);
      });
      port1.postMessage(msg);
    });
  return { send, port1 };
}
function newService() {
  const s = new VaultService({
    platform: realPlatform(),
    database: { indexedDB: new IDBFactory(), IDBKeyRange },
  });
  open.push(s);
  return s;
}
const req = (method: string, params?: unknown, extra: Record<string, unknown> = {}) => ({
  rpc: RPC.PROTOCOL,
  v: RPC.VERSION,
  id: 'req-12345678',
  method,
  params,
  ...extra,
});

describe('key worker RPC (server side)', () => {
  it('answers a valid request', async () => {
    const { send } = served();
    expect(await send(req('status'))).toMatchObject({ id: 'req-12345678', result: { state: 'absent' } });
  });

  it('refuses unknown methods, extra envelope keys, wrong versions and bad arguments', async () => {
    const { send } = served();
    const bad = [
      req('sign', { data: 'x' }),
      req('exportKey'),
      req('status', undefined, { extra: 1 }),
      { ...req('status'), v: 2 },
      req('unlock', 42),
      req('unlock', ''),
      req('addCompany', { name: 'x', nip: '5265877635', environment: 'TEST', admin: true }),
      req('previewBackup', { file: 'not bytes', backupPassphrase: 'x' }),
      req('lock', 'forever'),
      req('setIdleMinutes', 'never'),
    ];
    for (const msg of bad) {
      const reply = (await send(msg)) as { failure?: { reason: string } };
      expect(reply.failure?.reason, JSON.stringify(msg)).toBe('BAD_REQUEST');
    }
  });

  it('refuses a backup file over 50 MiB before the vault sees it', async () => {
    const { send } = served();
    const reply = (await send(
      req('previewBackup', { file: new Uint8Array(RPC.MAX_FILE_BYTES + 1), backupPassphrase: 'x' }),
      5000,
    )) as {
      failure?: { reason: string; detail?: string };
    };
    expect(reply.failure).toMatchObject({ reason: 'BAD_REQUEST', detail: 'previewBackup.file' });
  });

  it('names a declared parameter in its refusal, never a key the caller made up', async () => {
    const { send } = served();
    const made = (await send(
      req('previewBackup', { file: new Uint8Array(4), backupPassphrase: 'x', 'marker-key-do-not-echo': 1 }),
    )) as { failure?: { reason: string; detail?: string } };
    expect(made.failure).toMatchObject({ reason: 'BAD_REQUEST' });
    expect(JSON.stringify(made)).not.toContain('marker-key');
    const typed = (await send(req('previewBackup', { file: 'not bytes', backupPassphrase: 'x' }))) as {
      failure?: { detail?: string };
    };
    expect(typed.failure?.detail).toBe('previewBackup.file');
  });

  it('does not answer what is not an envelope at all', async () => {
    const { send } = served();
    expect(await send('hello', 300)).toBe('no reply');
    expect(await send({ rpc: 'other' }, 300)).toBe('no reply');
  });

  it('never echoes the text of an exception, which could quote a secret', async () => {
    const service = newService();
    const throwing = new Proxy(service, {
      get(t, p) {
        if (p === 'unlock')
          return async (pass: string) => {
            throw new Error(`failed for ${pass}`);
          };
        const v = Reflect.get(t, p);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const { send } = served(throwing);
    const reply = await send(req('unlock', 'marker-passphrase-do-not-leak'));
    expect(JSON.stringify(reply)).not.toContain('marker-passphrase');
    expect(reply).toMatchObject({
      failure: { code: 'INTERNAL', reason: 'STORAGE_FAILED', detail: 'unlock' },
    });
  });
});

describe('vault client (page side)', () => {
  function fakeWorker(answer: (msg: { id: string; method: string }) => unknown) {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    (port2 as MessagePort).on('message', (msg: { id: string; method: string }) => {
      port2.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, id: msg.id, result: answer(msg) });
    });
    const client = createVaultClient(port1 as never, { timeoutMs: 2000 });
    open.push(client);
    return client;
  }

  it('refuses a reply that carries a CryptoKey (no key may reach the main thread)', async () => {
    const key = await globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
    ]);
    const client = fakeWorker(() => ({ ok: true, value: { key } }));
    await expect(client.unlock('x')).rejects.toBeInstanceOf(VaultUnavailableError);
  });

  it('refuses a Result-returning method whose reply is not a Result, and a malformed status', async () => {
    const client = fakeWorker((m) => (m.method === 'status' ? { state: 'open-sesame' } : { value: 1 }));
    await expect(client.unlock('x')).rejects.toBeInstanceOf(VaultUnavailableError);
    await expect(client.status()).rejects.toBeInstanceOf(VaultUnavailableError);
  });

  it('turns a worker that never answers into a TIMEOUT error value, not a hang', async () => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const client = createVaultClient(port1 as never, { timeoutMs: 50 });
    open.push(client);
    const r = await client.unlock('x');
    expect(!r.ok && r.error.code).toBe('TIMEOUT');
    await expect(client.listCompanies()).rejects.toBeInstanceOf(VaultUnavailableError);
  });

  it('ignores forged events and tells the page when a real locked event arrives', async () => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const locked: string[] = [];
    const client = createVaultClient(port1 as never, { onLocked: (r) => locked.push(r) });
    open.push(client);
    port2.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, event: { type: 'locked', reason: 'because' } });
    port2.postMessage({ rpc: 'x', v: RPC.VERSION, event: { type: 'locked', reason: 'user' } });
    port2.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, event: { type: 'locked', reason: 'idle' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(locked).toEqual(['idle']);
    expect(client.locked).toBe(true);
  });
});
