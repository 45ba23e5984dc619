import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../../scripts/generate-ksef.ts';

const root = resolve(import.meta.dirname, '../../..');

describe('generated KSeF types', () => {
  it('match the official open-api.json (run `npm run generate` after changing the spec)', async () => {
    const { openapi, operations } = await generate();
    expect(readFileSync(resolve(root, 'shared/ksef/generated/openapi.ts'), 'utf8')).toBe(openapi);
    expect(readFileSync(resolve(root, 'shared/ksef/generated/operations.ts'), 'utf8')).toBe(operations);
  });

  it('is the verbatim official spec', () => {
    const ours = readFileSync(resolve(root, 'shared/ksef/spec/open-api.json'), 'utf8');
    const official = resolve(root, '../shared/ksef/open-api.json');
    let upstream: string | null = null;
    try {
      upstream = readFileSync(official, 'utf8');
    } catch {
      // A clone without the steering folder beside it: nothing to compare against.
    }
    if (upstream !== null) expect(ours).toBe(upstream);
    expect(JSON.parse(ours).openapi).toBe('3.0.4');
  });
});
