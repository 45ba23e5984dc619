import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startErpLogin } from '../content/erp-login.ts';

/**
 * Declared for no site: the background registers it at run time for exactly the origins the user
 * enabled (`chrome.scripting.registerContentScripts`, top frame only), so there is no `<all_urls>`
 * at install (extension/erp-sites/).
 */
export default defineContentScript({
  registration: 'runtime',
  // WXT's "script started" postMessage to '*' is not needed: startErpLogin guards a second run itself.
  noScriptStartedPostMessage: true,
  main() {
    startErpLogin(browser.runtime);
  },
});
