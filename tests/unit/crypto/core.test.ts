import { describe, it } from 'vitest';
import { CORE_CASES } from '../../browser/crypto/core-suite.ts';

// The same cases also run inside headless Chromium (tests/integration/crypto-interop/browser-run.test.ts).
describe('crypto core (Node, real crypto.subtle)', () => {
  for (const c of CORE_CASES) it(c.name, () => c.run(globalThis.crypto.subtle));
});
