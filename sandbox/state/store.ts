/**
 * In-memory state, optionally kept in a JSON file (`--state FILE`). A file is a boundary: it is
 * validated when read (a broken file stops the start with a clear message and is never
 * overwritten), and written atomically — a temporary file in the same folder, then rename — so a
 * crash mid-write leaves the previous state intact.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as v from 'valibot';
import type { SandboxState } from './model.ts';

const record = v.record(v.string(), v.looseObject({}));

const StateFileSchema = v.looseObject({
  version: v.literal(1),
  jwtSecret: v.pipe(v.string(), v.minLength(32)),
  authority: v.object({ certificate: v.string(), privateKeyPkcs8: v.string() }),
  encryptionKeys: v.pipe(
    v.array(
      v.object({
        certificate: v.string(),
        privateKeyPkcs8: v.string(),
        usage: v.array(v.picklist(['KsefTokenEncryption', 'SymmetricKeyEncryption'])),
        validFrom: v.number(),
        validTo: v.number(),
        withdrawn: v.boolean(),
      }),
    ),
    v.minLength(1),
  ),
  challenges: record,
  authOperations: record,
  ksefTokens: record,
  certificates: record,
  enrollments: record,
  certifiedKeys: v.record(v.string(), v.string()),
  companies: v.array(v.object({ nip: v.string(), name: v.string() })),
  subjects: record,
  persons: record,
  grants: v.array(v.looseObject({ context: v.string() })),
  blockedContexts: v.array(v.string()),
  certificateLimits: record,
  rateLimitOverrides: record,
  sessionLimits: record,
});

export class StateFileError extends Error {}

export function readStateFile(path: string): SandboxState | null {
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StateFileError(
      `The sandbox state file ${path} is not valid JSON (${e instanceof Error ? e.message : e}). ` +
        'Fix or delete it; it was not changed.',
    );
  }
  const result = v.safeParse(StateFileSchema, parsed);
  if (!result.success) {
    const where = result.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`).slice(0, 5);
    throw new StateFileError(
      `The sandbox state file ${path} has an unexpected shape (${where.join('; ')}). ` +
        'Fix or delete it; it was not changed.',
    );
  }
  return parsed as SandboxState;
}

export class StateStore {
  private dirty = false;

  constructor(
    readonly data: SandboxState,
    private readonly path?: string,
  ) {}

  changed(): void {
    this.dirty = true;
  }

  /** Writes the state if it changed since the last write (no-op without a state file). */
  flush(): void {
    if (!this.dirty || !this.path) return;
    writeAtomically(this.path, `${JSON.stringify(this.data)}\n`);
    // Only after a successful write: a failed one is tried again after the next request.
    this.dirty = false;
  }
}

export function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  // `.sandbox-state.json` → `.sandbox-state.tmp-<pid>-<random>.json`: same folder (rename stays
  // atomic) and still matched by the .gitignore pattern `.sandbox-state*.json`.
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  const tag = `tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(
    dirname(path),
    dot > 0 ? `${name.slice(0, dot)}.${tag}${name.slice(dot)}` : `${name}.${tag}`,
  );
  try {
    writeFileSync(temp, content, { mode: 0o600 });
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
