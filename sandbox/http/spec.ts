/**
 * Everything the sandbox knows about the API surface comes from the official `open-api.json`
 * (the verbatim copy in shared/ksef/spec), read once at start: operation keys, path templates,
 * security, `x-rate-limits` and their group, request-body and parameter schemas. Nothing here is
 * hand-copied from the spec; the few spec slips are patched in `patchSpecSlips` below.
 */
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type RateLimitValues = { perSecond: number; perMinute?: number; perHour?: number };

export type SpecOperation = {
  /** e.g. `GET /auth/{referenceNumber}` — the key used in the request log and fault rules. */
  readonly key: string;
  readonly method: string;
  readonly template: string;
  readonly segments: readonly string[];
  readonly secured: boolean;
  readonly rateLimits: RateLimitValues | null;
  /** The limit group named in the spec's 429 table (`other`), or null for fixed limits. */
  readonly rateLimitGroup: string | null;
  /** JSON Schema (draft-07, dereferenced) of the application/json body, if the operation has one. */
  readonly bodySchema: JsonObject | null;
  readonly bodyRequired: boolean;
  readonly bodyMediaTypes: readonly string[];
  readonly query: readonly { name: string; schema: JsonObject; required: boolean }[];
  readonly pathParams: readonly { name: string; schema: JsonObject }[];
  /** Response schemas by status and media type (JSON Schema, dereferenced), for conformance tests. */
  readonly responses: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
};

const SPEC_URL = new URL('../../shared/ksef/spec/open-api.json', import.meta.url);

let cached: { operations: readonly SpecOperation[]; schemas: JsonObject; spec: JsonObject } | null = null;

function loadSpec(): { operations: readonly SpecOperation[]; schemas: JsonObject; spec: JsonObject } {
  if (cached) return cached;
  const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as JsonObject;
  const components = spec.components as JsonObject;
  const schemas = components.schemas as JsonObject;
  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(spec.paths as JsonObject)) {
    for (const [method, raw] of Object.entries(item as JsonObject)) {
      const op = raw as JsonObject;
      const body = op.requestBody as JsonObject | undefined;
      const content = (body?.content ?? {}) as JsonObject;
      const jsonBody = content['application/json'] as JsonObject | undefined;
      const params = ((op.parameters ?? []) as JsonObject[]).map((p) => ({
        name: String(p.name),
        in: String(p.in),
        required: p.required === true,
        schema: toJsonSchema(p.schema ?? {}, schemas) as JsonObject,
      }));
      const limits = op['x-rate-limits'] as RateLimitValues | undefined;
      operations.push(
        Object.freeze({
          key: `${method.toUpperCase()} ${template}`,
          method: method.toUpperCase(),
          template,
          segments: template.split('/').filter(Boolean),
          secured: Array.isArray(op.security) && op.security.length > 0,
          rateLimits: limits ? { ...limits } : null,
          rateLimitGroup: rateLimitGroupOf(op),
          bodySchema: jsonBody?.schema ? (toJsonSchema(jsonBody.schema, schemas) as JsonObject) : null,
          bodyRequired: body?.required === true,
          bodyMediaTypes: Object.keys(content),
          query: params
            .filter((p) => p.in === 'query')
            .map(({ name, schema, required }) => ({ name, schema, required })),
          pathParams: params.filter((p) => p.in === 'path').map(({ name, schema }) => ({ name, schema })),
          responses: Object.fromEntries(
            Object.entries((op.responses ?? {}) as JsonObject).map(([status, r]) => [
              status,
              Object.fromEntries(
                Object.entries(((r as JsonObject).content ?? {}) as JsonObject).map(([type, media]) => [
                  type,
                  toJsonSchema((media as JsonObject).schema ?? {}, schemas) as JsonObject,
                ]),
              ),
            ]),
          ),
        }),
      );
    }
  }
  cached = { operations: Object.freeze(operations), schemas, spec };
  return cached;
}

/** The group is only written in the human table of the 429 response: `| **Limity…** | 10 | 30 | 120 | other`. */
function rateLimitGroupOf(op: JsonObject): string | null {
  const responses = (op.responses ?? {}) as JsonObject;
  const description = String(((responses['429'] ?? {}) as JsonObject).description ?? '');
  const row = /\|\s*\*\*Limity liczby żądań\*\*\s*\|([^\n]*)/.exec(description);
  const group = row?.[1]?.split('|').map((cell) => cell.trim())[3];
  return group && group !== '-' ? group : null;
}

export const specOperations = (): readonly SpecOperation[] => loadSpec().operations;

export function findOperation(method: string, path: string): SpecOperation | null {
  const parts = path.split('/').filter(Boolean);
  let best: SpecOperation | null = null;
  let bestLiterals = -1;
  for (const op of specOperations()) {
    if (op.method !== method || op.segments.length !== parts.length) continue;
    let literals = 0;
    let matches = true;
    op.segments.forEach((segment, i) => {
      if (segment.startsWith('{')) return;
      if (segment === parts[i]) literals += 1;
      else matches = false;
    });
    // A literal segment beats a parameter: `/auth/sessions` is not `/auth/{referenceNumber}`.
    if (matches && literals > bestLiterals) {
      best = op;
      bestLiterals = literals;
    }
  }
  return best;
}

export const operationByKey = (key: string): SpecOperation => {
  const op = specOperations().find((o) => o.key === key);
  if (!op) throw new Error(`the spec has no operation ${key}`);
  return op;
};

const DROPPED_KEYWORDS = new Set(['description', 'example', 'examples', 'externalDocs', 'xml', 'deprecated']);

/**
 * OpenAPI 3.0 schema → self-contained JSON Schema draft-07: `$ref`s inlined (the component graph
 * has no cycles), `nullable` turned into a `null` alternative, documentation keywords dropped.
 */
function toJsonSchema(input: Json, schemas: JsonObject): Json {
  if (Array.isArray(input)) return input.map((x) => toJsonSchema(x, schemas));
  if (!input || typeof input !== 'object') return input;
  if (typeof input.$ref === 'string') {
    const name = input.$ref.replace('#/components/schemas/', '');
    return toJsonSchema(schemas[name] ?? {}, schemas);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    // `properties` maps names to schemas: a property may itself be called "description".
    out[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as JsonObject).map(([name, s]) => [name, toJsonSchema(s, schemas)]),
          )
        : toJsonSchema(value, schemas);
  }
  patchSpecSlips(out);
  if (input.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

/**
 * The one place where the official spec is corrected (REFERENCE §3.3, §12): it writes array sizes
 * as `minimum`/`maximum` (AllowedIps), which JSON Schema ignores for arrays; KSeF enforces them as
 * item counts (≤ 10 addresses, ranges and masks each, api-changelog 2.4.0).
 */
function patchSpecSlips(schema: JsonObject): void {
  if (schema.type === 'array') {
    if (typeof schema.maximum === 'number') {
      schema.maxItems = schema.maximum;
      delete schema.maximum;
    }
    if (typeof schema.minimum === 'number') {
      schema.minItems = schema.minimum;
      delete schema.minimum;
    }
  }
}

let groups: Record<string, { perSecond: number; perMinute: number; perHour: number }> | null = null;

/** Default limits of each group, read from the operations that name it (e.g. `other` = 10/30/120). */
export function rateLimitGroups(): Record<string, { perSecond: number; perMinute: number; perHour: number }> {
  if (groups) return { ...groups };
  const out: Record<string, { perSecond: number; perMinute: number; perHour: number }> = {};
  for (const op of specOperations()) {
    if (!op.rateLimitGroup || !op.rateLimits || out[op.rateLimitGroup]) continue;
    const { perSecond, perMinute = 0, perHour = 0 } = op.rateLimits;
    out[op.rateLimitGroup] = { perSecond, perMinute, perHour };
  }
  groups = out;
  return { ...out };
}

/** The example the spec gives for a response (used for fixed values such as default context limits). */
export function responseExample(key: string, status: string): unknown {
  const [method, template] = key.split(' ') as [string, string];
  const { spec } = loadSpec();
  const op = ((spec.paths as JsonObject)[template] as JsonObject)[method.toLowerCase()] as JsonObject;
  const response = (op.responses as JsonObject)[status] as JsonObject;
  // A copy: callers may hand it out as a response body.
  return structuredClone(((response.content as JsonObject)['application/json'] as JsonObject).example);
}
