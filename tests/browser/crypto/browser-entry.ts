/**
 * Browser side of the crypto core suite: runs the same CORE_CASES as Node, inside a page, and leaves
 * the outcome on `window` for the puppeteer runner (tests/integration/crypto-interop/browser-run.test.ts).
 */
import { CORE_CASES } from './core-suite.ts';

export type CaseOutcome = {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
};

declare global {
  interface Window {
    __cryptoSuite?: Promise<CaseOutcome[]>;
  }
}

async function runAll(): Promise<CaseOutcome[]> {
  const out: CaseOutcome[] = [];
  for (const c of CORE_CASES) {
    const t0 = performance.now();
    try {
      await c.run(globalThis.crypto.subtle);
      out.push({ name: c.name, ok: true, ms: performance.now() - t0 });
    } catch (e) {
      out.push({
        name: c.name,
        ok: false,
        error: String((e as Error)?.stack ?? e),
        ms: performance.now() - t0,
      });
    }
  }
  return out;
}

window.__cryptoSuite = runAll();
