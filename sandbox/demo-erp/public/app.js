/*
 * The demo ERP page: integrates with KSeF Wallet only through docs/erp-integration.md (the
 * snippet in ksef-wallet-handoff.js), and proves a received session by having its own server call
 * KSeF's `GET /auth/sessions` with the access token — as a real ERP backend would, since KSeF sends
 * no CORS headers. The token is kept in memory only and never shown.
 */
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const form = $('company');
  const want = {};
  const nip = params.get('nip');
  const environment = params.get('environment');
  if (nip && /^[0-9]{10}$/.test(nip)) want.nip = nip;
  if (environment && /^(TEST|DEMO|PRD|custom:[a-z0-9][a-z0-9-]{0,31})$/.test(environment))
    want.environment = environment;
  if (params.get('refresh') === '1') want.refresh = true;
  form.elements.nip.value = want.nip || '';
  form.elements.environment.value = want.environment || '';
  form.elements.refresh.checked = want.refresh === true;

  // The opt-in element: the wallet renders its "Log in to KSeF" button inside it.
  const optIn = document.createElement('ksef-wallet-login');
  if (want.nip) optIn.setAttribute('nip', want.nip);
  if (want.environment) optIn.setAttribute('environment', want.environment);
  $('login-slot').append(optIn);

  const status = $('wallet-status');
  const sessionBox = $('session');
  const proof = $('proof');
  let current = null;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function row(dl, term, value) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }

  function showSession(session) {
    sessionBox.hidden = false;
    sessionBox.dataset.referenceNumber = session.referenceNumber;
    sessionBox.replaceChildren();
    const h = document.createElement('h3');
    h.textContent = 'Sesja KSeF / KSeF session';
    const dl = document.createElement('dl');
    row(dl, 'Środowisko / Environment', session.environment);
    row(dl, 'NIP', session.nip);
    row(dl, 'Numer referencyjny / Reference number', session.referenceNumber);
    row(dl, 'Token dostępowy ważny do / Access token valid until', session.accessTokenValidUntil);
    row(
      dl,
      'Token dostępowy / Access token',
      `${session.accessToken.length} znaków (nie pokazujemy) / characters (not shown)`,
    );
    row(
      dl,
      'Token odświeżający / Refresh token',
      session.refreshToken ? `tak, ważny do ${session.refreshTokenValidUntil} / yes` : 'nie / no',
    );
    sessionBox.append(h, dl);
  }

  async function prove(session) {
    proof.hidden = false;
    proof.dataset.state = 'checking';
    proof.textContent = 'Sprawdzam sesję w KSeF (GET /auth/sessions)… / Checking the session with KSeF…';
    let reply;
    try {
      const res = await fetch('/api/ksef/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ environment: session.environment, accessToken: session.accessToken }),
      });
      reply = await res.json();
    } catch (e) {
      reply = { status: 0, error: String(e) };
    }
    proof.replaceChildren();
    const h = document.createElement('h3');
    h.textContent = 'Aktywne sesje w KSeF / Active KSeF sessions';
    proof.append(h);
    if (reply.status !== 200 || !reply.body || !Array.isArray(reply.body.items)) {
      proof.dataset.state = 'error';
      const p = document.createElement('p');
      p.textContent = `KSeF odpowiedział ${reply.status}: ${reply.error || JSON.stringify(reply.body || {})}`;
      proof.append(p);
      return;
    }
    const table = document.createElement('table');
    const head = document.createElement('tr');
    for (const t of ['Numer referencyjny', 'Początek', 'Metoda', 'Status', 'Bieżąca']) {
      const th = document.createElement('th');
      th.textContent = t;
      head.append(th);
    }
    table.append(head);
    for (const item of reply.body.items) {
      const tr = document.createElement('tr');
      tr.dataset.referenceNumber = item.referenceNumber;
      if (item.isCurrent) tr.dataset.current = 'true';
      const method = item.authenticationMethodInfo?.displayName ?? item.authenticationMethod ?? '';
      for (const v of [
        item.referenceNumber,
        item.startDate,
        method,
        item.status?.code,
        item.isCurrent ? '✔' : '',
      ]) {
        const td = document.createElement('td');
        td.textContent = v === undefined || v === null ? '' : String(v);
        tr.append(td);
      }
      table.append(tr);
    }
    proof.append(table);
    const listed = reply.body.items.find((i) => i.isCurrent);
    proof.dataset.state = listed && listed.referenceNumber === session.referenceNumber ? 'ok' : 'error';
  }

  KsefWalletHandoff.connect({
    want,
    onReady: () =>
      setStatus(
        'ready',
        'Portfel gotowy — kliknij „Zaloguj do KSeF”. / Wallet ready — click “Log in to KSeF”.',
      ),
    onStatus: (state) =>
      setStatus(
        state,
        state === 'waiting-for-user'
          ? 'Potwierdź w oknie portfela KSeF Wallet… / Confirm in the KSeF Wallet window…'
          : 'Logowanie do KSeF… / Logging in to KSeF…',
      ),
    onSession: (session) => {
      current = session;
      setStatus('session', 'Otrzymano sesję KSeF. / KSeF session received.');
      showSession(session);
      void prove(session);
    },
    onSessionRefreshed: (update) => {
      if (!current || current.referenceNumber !== update.referenceNumber) return;
      current = {
        ...current,
        accessToken: update.accessToken,
        accessTokenValidUntil: update.accessTokenValidUntil,
      };
      showSession(current);
    },
    onSessionEnded: (ended) => {
      if (!current || current.referenceNumber !== ended.referenceNumber) return;
      current = null;
      setStatus('ended', `Sesja zakończona (${ended.reason}). / Session ended.`);
    },
    onError: (error) =>
      setStatus(
        'error',
        `Błąd portfela: ${error.code}${error.retryAfterSeconds ? ` (spróbuj za ${error.retryAfterSeconds} s)` : ''}. / Wallet error.`,
      ),
  });
})();
