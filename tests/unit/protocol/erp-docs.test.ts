import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGE_ERROR_CODES, PAGE_MESSAGE } from '../../../shared/protocol/erp-page-protocol.ts';
import { CREDENTIAL_PERMISSIONS } from '../../../shared/protocol/handoff-fields.ts';
import { HANDOFF_PAYLOAD_SCHEMAS, SESSION_END_REASONS } from '../../../shared/protocol/handoff-messages.ts';

const root = resolve(import.meta.dirname, '../../..');
const erpDoc = readFileSync(resolve(root, 'docs/erp-integration.md'), 'utf8');
const walletDoc = readFileSync(resolve(root, 'docs/wallet-extension-protocol.md'), 'utf8');
const snippet = readFileSync(resolve(root, 'sandbox/demo-erp/public/ksef-wallet-handoff.js'), 'utf8');

describe('docs/erp-integration.md', () => {
  it('carries the snippet the demo ERP runs, verbatim', () => {
    expect(erpDoc).toContain(`\`\`\`js\n${snippet}\`\`\``);
  });

  it('documents every page message, error code, end reason and dangerous permission', () => {
    for (const type of Object.values(PAGE_MESSAGE)) expect(erpDoc).toContain(`\`${type}\``);
    for (const code of PAGE_ERROR_CODES) expect(erpDoc).toContain(`| \`${code}\``);
    for (const reason of SESSION_END_REASONS) expect(erpDoc).toContain(`\`${reason}\``);
    for (const p of CREDENTIAL_PERMISSIONS) expect(erpDoc).toContain(`\`${p}\``);
  });
});

describe('docs/wallet-extension-protocol.md', () => {
  it('documents every hand-off message kind', () => {
    for (const kind of Object.keys(HANDOFF_PAYLOAD_SCHEMAS)) expect(walletDoc).toContain(`\`${kind}\``);
  });
});
