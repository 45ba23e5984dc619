import type { KsefOperationId } from './generated/operations.ts';

/** Built-in KSeF environments, and custom loopback ones (the sandbox) added in the extension's options. */
export type BuiltInEnvironmentId = 'TEST' | 'DEMO' | 'PRD';
export type CustomEnvironmentId = `custom:${string}`;
export type EnvironmentId = BuiltInEnvironmentId | CustomEnvironmentId;

/**
 * One KSeF API call as the PWA names it: an environment and an operation from the official spec,
 * never a URL (SECURITY.md T6). The side that owns the network builds the URL.
 */
export type KsefRequest = {
  readonly env: EnvironmentId;
  readonly operation: KsefOperationId;
  readonly pathParams?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** Only headers in REQUEST_HEADER_ALLOWLIST are sent. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body as text (JSON or XML); its Content-Type goes in `headers`. */
  readonly body?: string;
};

export type KsefResponse = {
  readonly status: number;
  /** Lower-case names; only headers in RESPONSE_HEADER_ALLOWLIST are kept. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
};
