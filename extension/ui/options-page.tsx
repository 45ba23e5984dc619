import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { createTranslator } from '../../shared/i18n/translate.ts';
import type { CustomEnvironmentId } from '../../shared/ksef/transport-types.ts';
import { makeEnvelope } from '../../shared/protocol/envelope.ts';
import type { EnvironmentInfo } from '../../shared/protocol/messages.ts';
import { BUILD } from '../config/build-config.ts';
import { type ErpSiteRow, extensionDb } from '../storage/extension-db.ts';
import { createEnvironmentRegistry } from '../transport/environment-registry.ts';
import { browserLocale, EXTENSION_STRINGS } from './strings.ts';

const db = extensionDb();
const registry = createEnvironmentRegistry(
  {
    list: () => db.environments.toArray(),
    put: async (row) => {
      await db.environments.put(row);
    },
    remove: (id) => db.environments.delete(id),
  },
  BUILD.devSandboxUrl,
);

export function OptionsPage() {
  const t = createTranslator(EXTENSION_STRINGS, browserLocale());
  const [environments, setEnvironments] = useState<EnvironmentInfo[]>([]);
  const [label, setLabel] = useState('');
  const [url, setUrl] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const [sites, setSites] = useState<ErpSiteRow[]>([]);
  const refresh = async () => {
    setEnvironments(await registry.list());
    setSites(await db.erpSites.toArray());
  };

  async function disableSite(origin: string) {
    const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    await browser.runtime.sendMessage(makeEnvelope('erp.disable', { origin }, id));
    await refresh();
  }
  useEffect(() => {
    void refresh();
  }, []);

  async function onAdd(e: Event) {
    e.preventDefault();
    setMessage(null);
    if (BUILD.flavour === 'production') {
      // Loopback access is not granted at install in production; ask at the moment it is needed.
      const granted = await browser.permissions.request({
        origins: ['http://127.0.0.1/*', 'http://localhost/*'],
      });
      if (!granted) return setMessage({ kind: 'error', text: t('permissionDenied') });
    }
    const added = await registry.addCustom(label, url, Date.now());
    if (!added.ok) return setMessage({ kind: 'error', text: t('badUrl') });
    setLabel('');
    setUrl('');
    setMessage({ kind: 'ok', text: t('added', { name: added.value.label }) });
    await refresh();
  }

  return (
    <main>
      <h1>{t('optionsTitle')}</h1>
      <section aria-labelledby="envs">
        <h2 id="envs">{t('environments')}</h2>
        <ul>
          {environments.map((env) => (
            <li key={env.id} data-env-id={env.id}>
              <strong>{env.label}</strong> — <code>{env.baseUrl}</code>{' '}
              <small>({env.id.startsWith('custom:') ? t('custom') : t('builtIn')})</small>
              {env.id.startsWith('custom:') && env.id !== 'custom:sandbox' ? (
                <button
                  type="button"
                  onClick={async () => {
                    await registry.removeCustom(env.id as CustomEnvironmentId);
                    await refresh();
                  }}
                >
                  {t('remove')}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="erp-sites" data-testid="erp-sites">
        <h2 id="erp-sites">{t('erpSites')}</h2>
        {sites.length === 0 ? <p>{t('noErpSites')}</p> : null}
        <ul>
          {sites.map((site) => (
            <li key={site.origin} data-origin={site.origin}>
              <code>{site.origin}</code>{' '}
              <button type="button" onClick={() => void disableSite(site.origin)}>
                {t('disableSite')}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <form onSubmit={onAdd} aria-labelledby="add">
        <h2 id="add">{t('addSandbox')}</h2>
        <label>
          {t('sandboxName')}{' '}
          <input name="label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </label>
        <label>
          {t('sandboxUrl')}{' '}
          <input
            name="url"
            required
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
            placeholder="http://127.0.0.1:5181/v2"
          />
        </label>
        <button type="submit">{t('add')}</button>
        {message ? <p role={message.kind === 'error' ? 'alert' : 'status'}>{message.text}</p> : null}
      </form>
    </main>
  );
}
