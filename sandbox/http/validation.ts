/**
 * Request validation compiled once from the official spec (see spec.ts). KSeF is an ASP.NET service:
 * it binds JSON property names and enum values case-insensitively (the official C# client sends
 * PascalCase, the docs send `"type": "nip"` — REFERENCE §2.4), so a body is first normalised
 * against its schema (names and enum values put in the spec's spelling), then validated with ajv.
 * Failures become 21405 with the validator text in `details`, as KSeF answers.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type SpecOperation, specOperations } from './spec.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ajv-formats is CommonJS; under ESM its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

// The spec's patterns are .NET regular expressions: `^[a-zA-Z0-9_\-\ ą…]+$` escapes a space,
// which JavaScript allows only without the `u` flag (every character used is in the BMP).
const bodyAjv = addFormats(
  new Ajv({ allErrors: true, strict: false, coerceTypes: false, unicodeRegExp: false }),
);
// Query strings are text: numbers and booleans are coerced, a single value may fill an array.
const queryAjv = addFormats(
  new Ajv({ allErrors: true, strict: false, coerceTypes: 'array', unicodeRegExp: false }),
);

type CompiledOperation = {
  body: ValidateFunction | null;
  query: ValidateFunction | null;
  path: ValidateFunction | null;
};
const compiled = new Map<string, CompiledOperation>();

function compileOperation(op: SpecOperation): CompiledOperation {
  let entry = compiled.get(op.key);
  if (entry) return entry;
  const objectOf = (params: readonly { name: string; schema: JsonObject; required?: boolean }[]) => ({
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
  });
  entry = {
    body: op.bodySchema ? bodyAjv.compile(op.bodySchema) : null,
    query: op.query.length ? queryAjv.compile(objectOf(op.query)) : null,
    path: op.pathParams.length
      ? queryAjv.compile(objectOf(op.pathParams.map((p) => ({ ...p, required: true }))))
      : null,
  };
  compiled.set(op.key, entry);
  return entry;
}

/** Compiles every operation's validators (called at start so that a bad schema fails loudly then). */
export function compileAllValidators(): number {
  for (const op of specOperations()) compileOperation(op);
  return compiled.size;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; details: string[] };

const describe = (errors: readonly ErrorObject[] | null | undefined, root: string): string[] => [
  ...new Set(
    (errors ?? []).map((e) => {
      const where = `${root}${e.instancePath.replaceAll('/', '.')}`.replace(/^\./, '');
      const extra =
        e.keyword === 'enum'
          ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
          : '';
      return `${where || root}: ${e.message ?? 'invalid'}${extra}`;
    }),
  ),
];

export function validateBody<T>(op: SpecOperation, raw: unknown): ValidationResult<T> {
  const v = compileOperation(op).body;
  if (!v || !op.bodySchema) return { ok: true, value: raw as T };
  const value = normalise(op.bodySchema, raw);
  if (v(value)) return { ok: true, value: value as T };
  return { ok: false, details: describe(v.errors, 'body') };
}

export function validateQuery<T>(op: SpecOperation, query: Record<string, unknown>): ValidationResult<T> {
  const v = compileOperation(op).query;
  if (!v) return { ok: true, value: {} as T };
  // Query names bind case-insensitively too; copy so that coercion does not touch the caller's object.
  const value: Record<string, unknown> = {};
  for (const p of op.query) {
    const key = Object.keys(query).find((k) => k.toLowerCase() === p.name.toLowerCase());
    if (key !== undefined && query[key] !== undefined) value[p.name] = normalise(p.schema, query[key]);
  }
  if (v(value)) return { ok: true, value: value as T };
  return { ok: false, details: describe(v.errors, 'query') };
}

export function validatePath(op: SpecOperation, params: Record<string, string>): ValidationResult<void> {
  const v = compileOperation(op).path;
  if (!v || v({ ...params })) return { ok: true, value: undefined };
  return { ok: false, details: describe(v.errors, 'path') };
}

/** The schemas a value must satisfy at once: the schema itself and its allOf/anyOf/oneOf branches. */
function branches(schema: JsonObject): JsonObject[] {
  const out: JsonObject[] = [schema];
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      for (const sub of list)
        if (sub && typeof sub === 'object' && !Array.isArray(sub)) out.push(...branches(sub));
    }
  }
  return out;
}

/** Property names and enum strings rewritten to the schema's spelling (ASP.NET binding). */
function normalise(schema: Json, value: unknown): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return value;
  const all = branches(schema as JsonObject);
  if (typeof value === 'string') {
    for (const b of all) {
      if (!Array.isArray(b.enum)) continue;
      const hit = b.enum.find((e) => typeof e === 'string' && e.toLowerCase() === value.toLowerCase());
      if (typeof hit === 'string') return hit;
    }
    return value;
  }
  if (Array.isArray(value)) {
    const items = all.find((b) => b.items)?.items;
    return items ? value.map((x) => normalise(items, x)) : value;
  }
  const props: JsonObject = {};
  for (const b of all) if (b.properties) Object.assign(props, b.properties as JsonObject);
  if (!value || typeof value !== 'object' || Object.keys(props).length === 0) return value;
  const names = Object.keys(props);
  const renamed: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = names.includes(key) ? key : names.find((n) => n.toLowerCase() === key.toLowerCase());
    // Unknown properties are ignored, as ASP.NET does (and as clients must expect, api-changelog
    // 2.1.2); dropping them also keeps `__proto__` and friends out of the handlers' objects.
    if (name === undefined) continue;
    // An exact spelling wins over a case variant of the same name.
    if (Object.hasOwn(renamed, name) && name !== key) continue;
    renamed[name] = normalise(props[name] ?? null, v);
  }
  return renamed;
}
