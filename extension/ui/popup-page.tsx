import { browser } from 'wxt/browser';
import { createTranslator } from '../../shared/i18n/translate.ts';
import { BUILD } from '../config/build-config.ts';
import { browserLocale, EXTENSION_STRINGS } from './strings.ts';

export function PopupPage() {
  const t = createTranslator(EXTENSION_STRINGS, browserLocale());
  return (
    <main style={{ minWidth: '16rem', fontFamily: 'system-ui, sans-serif' }}>
      <h1 style={{ fontSize: '1.1rem' }}>{t('popupTitle')}</h1>
      <p>{t('version', { version: browser.runtime.getManifest().version })}</p>
      <button type="button" onClick={() => void browser.tabs.create({ url: `${BUILD.pwaOrigin}/` })}>
        {t('openWallet')}
      </button>{' '}
      <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
        {t('options')}
      </button>
    </main>
  );
}
