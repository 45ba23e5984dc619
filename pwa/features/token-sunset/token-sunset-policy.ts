/**
 * The one place that says until when KSeF tokens may be used. Change it here (date and source)
 * when the rules change: every warning, badge and count-down reads this object.
 *
 * Current state (checked November 2026): under the Minister of Finance's regulation on using KSeF,
 * KSeF tokens may authenticate only until 31 December 2026; from 1 January 2027 only KSeF
 * certificates (and qualified signatures / Profil Zaufany) remain. The Ministry has proposed keeping
 * tokens with a limited validity afterwards — not decided, so the UI always says "under current rules".
 */
export type TokenSunsetPolicy = {
  /** Last calendar day (Polish time) on which a KSeF token may still be used, `YYYY-MM-DD`. */
  readonly lastDay: string;
  /** Where the date comes from, shown to the user beside every count-down. */
  readonly source: { readonly pl: string; readonly en: string };
};

export const TOKEN_SUNSET_POLICY: TokenSunsetPolicy = Object.freeze({
  lastDay: '2026-12-31',
  source: Object.freeze({
    pl: 'rozporządzenie Ministra Finansów w sprawie korzystania z Krajowego Systemu e-Faktur (stan prawny na listopad 2026; propozycja Ministerstwa, by zachować tokeny z ograniczoną ważnością, nie jest przesądzona)',
    en: "the Minister of Finance's regulation on using the National e-Invoice System (law as of November 2026; the Ministry's proposal to keep tokens with a limited validity is not decided)",
  }),
});
