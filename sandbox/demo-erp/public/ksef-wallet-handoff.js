/*
 * KSeF Wallet hand-off for ERP pages — page protocol version 1.
 * Copied verbatim from docs/erp-integration.md ("The snippet"); no dependencies, no build step.
 *
 *   const wallet = KsefWalletHandoff.connect({
 *     want: { nip: '5265877635', environment: 'TEST', refresh: false }, // all optional
 *     onReady: function () {},                      // the wallet's button is on the page
 *     onStatus: function (state) {},                // 'logging-in' | 'waiting-for-user'
 *     onSession: function (session) {},             // {environment, nip, referenceNumber, accessToken, accessTokenValidUntil, refreshToken?, refreshTokenValidUntil?}
 *     onSessionRefreshed: function (update) {},     // {referenceNumber, accessToken, accessTokenValidUntil}
 *     onSessionEnded: function (ended) {},          // {referenceNumber, reason}
 *     onError: function (error) {}                  // {code, retryAfterSeconds?}
 *   });
 */
((global) => {
  const V = 1;

  function connect(options) {
    const o = options || {};
    let port = null;
    let ready = false;

    function call(name, arg) {
      if (typeof o[name] === 'function') o[name](arg);
    }

    function onPortMessage(event) {
      const m = event.data;
      if (!m || typeof m !== 'object' || m.v !== V) return;
      switch (m.type) {
        case 'ksef-wallet:ready':
          ready = true;
          return call('onReady');
        case 'ksef-wallet:status':
          return call('onStatus', m.state);
        case 'ksef-wallet:session':
          return call('onSession', m.session);
        case 'ksef-wallet:session-refreshed':
          return call('onSessionRefreshed', {
            referenceNumber: m.referenceNumber,
            accessToken: m.accessToken,
            accessTokenValidUntil: m.accessTokenValidUntil,
          });
        case 'ksef-wallet:session-ended':
          return call('onSessionEnded', { referenceNumber: m.referenceNumber, reason: m.reason });
        case 'ksef-wallet:error':
          return call('onError', { code: m.code, retryAfterSeconds: m.retryAfterSeconds });
      }
    }

    // A fresh channel per hello: we keep port1 and hand port2 to the wallet. Only this script
    // holds port1, so only this script reads what the wallet sends.
    function hello() {
      if (ready) return;
      if (port) port.close();
      const channel = new MessageChannel();
      port = channel.port1;
      port.onmessage = onPortMessage;
      const message = { type: 'ksef-wallet:hello', v: V };
      if (o.want) message.want = o.want;
      // targetOrigin is our own origin: the message never leaves this window.
      global.postMessage(message, global.location.origin, [channel.port2]);
    }

    // The wallet announces itself when it starts after us (e.g. the user just enabled this site).
    global.addEventListener('message', (event) => {
      const d = event.data;
      if (event.source !== global || event.origin !== global.location.origin) return;
      if (d && d.type === 'ksef-wallet:present' && d.v === V) hello();
    });
    hello();

    return {
      isReady: () => ready,
    };
  }

  global.KsefWalletHandoff = { connect, version: V };
})(window);
