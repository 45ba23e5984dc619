import { describe, it } from 'vitest';
import { VAULT_CASES } from '../../browser/vault/vault-suite.ts';
import { nodeHarness } from './node-harness.ts';

// The same cases run in Chromium on real IndexedDB through the shared key worker
// (tests/e2e/vault-behaviour.test.ts).
describe('vault on fake-indexeddb (VaultService directly)', () => {
  for (const c of VAULT_CASES) {
    it(c.name, async () => {
      const h = nodeHarness();
      try {
        await c.run(h);
      } finally {
        h.close();
      }
    });
  }
});
