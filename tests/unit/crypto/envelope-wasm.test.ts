/**
 * SECURITY.md T11: "hash-wasm's WASM imports at most memory". The Argon2id of the vault envelope
 * runs hash-wasm's WebAssembly in the key worker; a module that imported functions from its host
 * could call back into our JavaScript. This reads the WASM exactly as shipped — embedded as Base64
 * in the files that bundlers (`module`) and Node (`main`) load — compiles every module and lists
 * its imports.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('hash-wasm/package.json'));
const pkg = JSON.parse(readFileSync(resolve(pkgDir, 'package.json'), 'utf8')) as {
  main: string;
  module: string;
};

/** Every Base64 string that decodes to a WebAssembly module ("\0asm" is "AGFzbQ" in Base64). */
function embeddedModules(file: string): WebAssembly.Module[] {
  const text = readFileSync(resolve(pkgDir, file), 'utf8');
  return [...text.matchAll(/"(AGFzbQ[A-Za-z0-9+/=]+)"/g)].map(
    (m) => new WebAssembly.Module(Buffer.from(m[1] ?? '', 'base64')),
  );
}

describe('hash-wasm WebAssembly (SECURITY.md T11)', () => {
  for (const file of [pkg.module, pkg.main]) {
    it(`imports nothing but memory in any module of ${file}`, () => {
      const modules = embeddedModules(file);
      // hash-wasm ships one module per algorithm; Argon2id needs its own and BLAKE2b's.
      expect(modules.length).toBeGreaterThanOrEqual(20);
      const argon2 = modules.filter((m) =>
        WebAssembly.Module.exports(m).some((e) => e.name === 'Hash_SetMemorySize'),
      );
      expect(argon2.length).toBeGreaterThanOrEqual(1);
      for (const m of modules) {
        const imports = WebAssembly.Module.imports(m);
        expect(imports.filter((i) => i.kind !== 'memory')).toEqual([]);
      }
    });
  }

  it('finds a module that imports a function (the check is not blind)', () => {
    // (module (import "env" "f" (func)))
    const bytes = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x09, 0x01,
      0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00,
    ]);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
    expect(imports).toEqual([{ module: 'env', name: 'f', kind: 'function' }]);
  });
});
