import type { Transport } from '../platform.ts';
import { fail, ok, type Result } from '../result.ts';
import { buildRequest, RESPONSE_HEADER_ALLOWLIST } from './build-request-url.ts';
import type { EnvironmentId, KsefRequest, KsefResponse } from './transport-types.ts';

/** Caps from SECURITY.md §4: a KSeF answer is small; anything larger or slower is refused. */
export const TRANSPORT_LIMITS = Object.freeze({
  MAX_REQUEST_BYTES: 1024 * 1024,
  MAX_RESPONSE_BYTES: 1024 * 1024,
  TIMEOUT_MS: 30_000,
});

export type FetchTransportOptions = {
  readonly fetch: typeof fetch;
  /** The base URL for an environment, or null when the environment is not configured. */
  readonly resolveBaseUrl: (env: EnvironmentId) => string | null | Promise<string | null>;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
};

/**
 * A Transport over a fetch function: the extension background uses it with its built-in and
 * option-configured URLs; tests and a CORS-enabled sandbox use it directly ("DirectTransport").
 * Never follows redirects, never sends cookies, caps size and time.
 */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  const timeoutMs = options.timeoutMs ?? TRANSPORT_LIMITS.TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? TRANSPORT_LIMITS.MAX_RESPONSE_BYTES;
  return {
    async send(req: KsefRequest, signal?: AbortSignal): Promise<Result<KsefResponse>> {
      const baseUrl = await options.resolveBaseUrl(req.env);
      if (!baseUrl) return fail('UNKNOWN_ENVIRONMENT');
      const built = buildRequest(baseUrl, req);
      if (!built.ok) return built;
      const { method, url, headers, body } = built.value;
      if (
        body !== undefined &&
        new TextEncoder().encode(body).byteLength > TRANSPORT_LIMITS.MAX_REQUEST_BYTES
      ) {
        return fail('REQUEST_TOO_LARGE');
      }
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await options.fetch(url, {
          method,
          headers,
          body,
          redirect: 'manual',
          credentials: 'omit',
          cache: 'no-store',
          referrerPolicy: 'no-referrer',
          signal: combined,
        });
      } catch {
        if (signal?.aborted) return fail('ABORTED');
        if (timeout.aborted) return fail('TIMEOUT');
        return fail('NETWORK');
      }
      // Browsers hide a manual redirect as an opaque response with status 0; Node shows the 3xx.
      if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
        await res.body?.cancel().catch(() => {});
        return fail('REDIRECT_REFUSED');
      }
      const text = await readCapped(res, maxBytes, signal, timeout);
      if (!text.ok) return text;
      const kept: Record<string, string> = {};
      for (const name of RESPONSE_HEADER_ALLOWLIST) {
        const v = res.headers.get(name);
        if (v !== null) kept[name] = v;
      }
      return ok({ status: res.status, headers: kept, body: text.value });
    },
  };
}

async function readCapped(
  res: Response,
  maxBytes: number,
  signal: AbortSignal | undefined,
  timeout: AbortSignal,
): Promise<Result<string>> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return fail('RESPONSE_TOO_LARGE');
  }
  if (!res.body) return ok('');
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return fail('RESPONSE_TOO_LARGE');
      }
      chunks.push(value);
    }
  } catch {
    if (signal?.aborted) return fail('ABORTED');
    if (timeout.aborted) return fail('TIMEOUT');
    return fail('NETWORK');
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return ok(new TextDecoder('utf-8', { fatal: false }).decode(all));
}
