/**
 * Where each environment lives. TEST / DEMO / PRD are built in; custom environments are loopback
 * sandboxes the user added in the extension's options (never sent by a page — SECURITY.md T6).
 */
import {
  BUILT_IN_ENVIRONMENTS,
  isBuiltInEnvironment,
  isCustomEnvironmentId,
  parseCustomBaseUrl,
} from '../../shared/ksef/environments.ts';
import type { CustomEnvironmentId, EnvironmentId } from '../../shared/ksef/transport-types.ts';
import type { EnvironmentInfo } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result } from '../../shared/result.ts';

export interface CustomEnvironmentStore {
  list(): Promise<readonly { id: CustomEnvironmentId; label: string; baseUrl: string }[]>;
  put(row: { id: CustomEnvironmentId; label: string; baseUrl: string; addedAt: number }): Promise<void>;
  remove(id: CustomEnvironmentId): Promise<void>;
}

const BUILT_IN_LABELS = Object.freeze({ TEST: 'KSeF TEST', DEMO: 'KSeF DEMO', PRD: 'KSeF (produkcja)' });
/** The sandbox started by `npm start`, known to development builds without a trip to the options page. */
export const DEV_SANDBOX_ID: CustomEnvironmentId = 'custom:sandbox';

export function createEnvironmentRegistry(store: CustomEnvironmentStore, devSandboxUrl: string) {
  const devSandbox = devSandboxUrl ? parseCustomBaseUrl(devSandboxUrl) : null;

  async function list(): Promise<EnvironmentInfo[]> {
    const builtIn = (Object.keys(BUILT_IN_ENVIRONMENTS) as (keyof typeof BUILT_IN_ENVIRONMENTS)[]).map(
      (id) => ({
        id,
        baseUrl: BUILT_IN_ENVIRONMENTS[id],
        label: BUILT_IN_LABELS[id],
      }),
    );
    const custom = (await store.list()).map((r) => ({ id: r.id, baseUrl: r.baseUrl, label: r.label }));
    const dev =
      devSandbox && !custom.some((c) => c.id === DEV_SANDBOX_ID)
        ? [{ id: DEV_SANDBOX_ID, baseUrl: devSandbox, label: 'Sandbox (npm start)' }]
        : [];
    return [...builtIn, ...dev, ...custom];
  }

  async function resolveBaseUrl(env: EnvironmentId): Promise<string | null> {
    if (isBuiltInEnvironment(env)) return BUILT_IN_ENVIRONMENTS[env];
    if (!isCustomEnvironmentId(env)) return null;
    const found = (await list()).find((e) => e.id === env);
    // Stored rows were normalized when added; normalize again so a tampered row cannot widen the target.
    return found ? parseCustomBaseUrl(found.baseUrl) : null;
  }

  async function addCustom(label: string, url: string, now: number): Promise<Result<EnvironmentInfo>> {
    const baseUrl = parseCustomBaseUrl(url.trim());
    if (!baseUrl)
      return fail('BAD_PARAMS', {
        detail: 'custom URL must be http://127.0.0.1:PORT/v2 or http://localhost:PORT/v2',
      });
    const cleanLabel = label.trim().slice(0, 60) || baseUrl;
    const slug = slugify(cleanLabel);
    const id = `custom:${slug}` as CustomEnvironmentId;
    if (!isCustomEnvironmentId(id)) return fail('BAD_PARAMS', { detail: 'name' });
    await store.put({ id, label: cleanLabel, baseUrl, addedAt: now });
    return ok({ id, label: cleanLabel, baseUrl });
  }

  return { list, resolveBaseUrl, addCustom, removeCustom: (id: CustomEnvironmentId) => store.remove(id) };
}

function slugify(label: string): string {
  const s = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
  return s || 'sandbox';
}
