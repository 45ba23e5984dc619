/**
 * `npm run sandbox -- [flags]`: the KSeF 2.0 sandbox from the command line. Every flag has a
 * `SANDBOX_*` environment variable (flags win). Prints the base URL, the control API and the
 * seeded data, then runs until Ctrl+C. See sandbox/README.md for the full list.
 */
import { parseArgs } from 'node:util';
import { describeSeed } from './domain/seed.ts';
import { DEFAULT_OPTIONS, type SandboxOptions, startSandbox } from './server.ts';
import { StateFileError } from './state/store.ts';

type Flag = { env: string; type: 'string' | 'boolean'; help: string };

export const FLAGS = Object.freeze({
  host: {
    env: 'SANDBOX_HOST',
    type: 'string',
    help: 'address to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)',
  },
  port: { env: 'SANDBOX_PORT', type: 'string', help: 'port (default 5181 here, 0 = any free port)' },
  'base-url': {
    env: 'SANDBOX_BASE_URL',
    type: 'string',
    help: 'public base URL if it differs (behind a proxy)',
  },
  mode: { env: 'SANDBOX_MODE', type: 'string', help: "'test' (self-signed certificates accepted) or 'demo'" },
  cors: { env: 'SANDBOX_CORS', type: 'boolean', help: 'send CORS headers (KSeF does not; off by default)' },
  latency: { env: 'SANDBOX_LATENCY_MS', type: 'string', help: 'ms added before every /v2 response' },
  'auth-delay': {
    env: 'SANDBOX_AUTH_DELAY_MS',
    type: 'string',
    help: 'ms an authentication stays at status 100',
  },
  'token-activation-delay': {
    env: 'SANDBOX_TOKEN_ACTIVATION_DELAY_MS',
    type: 'string',
    help: 'ms a KSeF token stays Pending (and Revoking)',
  },
  'enrollment-delay': {
    env: 'SANDBOX_ENROLLMENT_DELAY_MS',
    type: 'string',
    help: 'ms an enrollment stays at status 100 (and a revoked certificate Blocked)',
  },
  'access-token-ttl': {
    env: 'SANDBOX_ACCESS_TOKEN_TTL',
    type: 'string',
    help: 'access token lifetime in seconds (900)',
  },
  'refresh-token-ttl': {
    env: 'SANDBOX_REFRESH_TOKEN_TTL',
    type: 'string',
    help: 'refresh token lifetime in seconds (604800)',
  },
  'rate-limits': {
    env: 'SANDBOX_RATE_LIMITS',
    type: 'string',
    help: "'ksef' (the spec's x-rate-limits) or 'off'",
  },
  'error-rate': {
    env: 'SANDBOX_ERROR_RATE',
    type: 'string',
    help: 'share of /v2 requests answered 500 (0..1)',
  },
  'drop-rate': {
    env: 'SANDBOX_DROP_RATE',
    type: 'string',
    help: 'share of /v2 responses dropped after processing (0..1)',
  },
  'fault-seed': { env: 'SANDBOX_FAULT_SEED', type: 'string', help: 'seed of the random faults (1)' },
  'rotate-keys-every': {
    env: 'SANDBOX_ROTATE_KEYS_EVERY',
    type: 'string',
    help: 'seconds between forced key rotations (old keys → 21470)',
  },
  'reusable-challenges': {
    env: 'SANDBOX_REUSABLE_CHALLENGES',
    type: 'boolean',
    help: 'let a challenge be used more than once',
  },
  state: {
    env: 'SANDBOX_STATE',
    type: 'string',
    help: 'keep the state in this JSON file (written atomically)',
  },
  'no-seed': { env: 'SANDBOX_NO_SEED', type: 'boolean', help: 'start without the seeded companies' },
  'no-control': {
    env: 'SANDBOX_NO_CONTROL',
    type: 'boolean',
    help: 'do not serve the control API at /_sandbox',
  },
  help: { env: 'SANDBOX_HELP', type: 'boolean', help: 'print this help' },
} satisfies Record<string, Flag>);

export class UsageError extends Error {}

const number = (name: string, value: string | undefined, { integer = false, max = Infinity } = {}) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${name} expects a ${integer ? 'whole ' : ''}number${max < Infinity ? ` from 0 to ${max}` : ' ≥ 0'}, got '${value}'`,
    );
  }
  return n;
};

/** Flags and environment → sandbox options (flags win). Throws UsageError with a clear message. */
export function optionsFrom(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Partial<SandboxOptions> & { help?: boolean } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(FLAGS).map(([k, f]) => [k, { type: f.type }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const get = (name: keyof typeof FLAGS): string | undefined => {
    const v = values[name];
    if (typeof v === 'string') return v;
    if (v === true) return 'true';
    const e = env[FLAGS[name].env];
    return e === undefined || e === '' ? undefined : e;
  };
  const bool = (name: keyof typeof FLAGS) => {
    const v = get(name);
    if (v === undefined) return undefined;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    throw new UsageError(`${FLAGS[name].env} expects true or false, got '${v}'`);
  };
  const mode = get('mode');
  if (mode !== undefined && mode !== 'test' && mode !== 'demo')
    throw new UsageError(`--mode expects test or demo, got '${mode}'`);
  const rateLimits = get('rate-limits');
  if (rateLimits !== undefined && rateLimits !== 'ksef' && rateLimits !== 'off') {
    throw new UsageError(`--rate-limits expects ksef or off, got '${rateLimits}'`);
  }
  const baseUrl = get('base-url');
  if (baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new UsageError(`--base-url is not a URL: '${baseUrl}'`);
    }
    if (!/^https?:$/.test(url.protocol) || !url.pathname.endsWith('/v2')) {
      throw new UsageError(`--base-url must be an http(s) URL ending in /v2, got '${baseUrl}'`);
    }
  }
  const out: Partial<SandboxOptions> & { help?: boolean } = {};
  const assign = <K extends keyof SandboxOptions>(key: K, value: SandboxOptions[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  assign('host', get('host'));
  assign('port', number('port', get('port'), { integer: true, max: 65535 }) ?? 5181);
  assign('publicBaseUrl', baseUrl);
  assign('mode', mode as SandboxOptions['mode'] | undefined);
  assign('cors', bool('cors'));
  assign('latencyMs', number('latency', get('latency')));
  assign('authDelayMs', number('auth-delay', get('auth-delay')));
  assign('tokenActivationDelayMs', number('token-activation-delay', get('token-activation-delay')));
  assign('enrollmentDelayMs', number('enrollment-delay', get('enrollment-delay')));
  const access = number('access-token-ttl', get('access-token-ttl'), { integer: true });
  const refresh = number('refresh-token-ttl', get('refresh-token-ttl'), { integer: true });
  if (access === 0 || refresh === 0) throw new UsageError('token lifetimes must be at least 1 second');
  assign('accessTokenTtlSeconds', access);
  assign('refreshTokenTtlSeconds', refresh);
  assign('rateLimits', rateLimits as SandboxOptions['rateLimits'] | undefined);
  const errorRate = number('error-rate', get('error-rate'), { max: 1 });
  const dropRate = number('drop-rate', get('drop-rate'), { max: 1 });
  const seed = number('fault-seed', get('fault-seed'), { integer: true });
  if (errorRate !== undefined || dropRate !== undefined || seed !== undefined) {
    out.faults = {
      serverErrorRate: errorRate ?? DEFAULT_OPTIONS.faults.serverErrorRate,
      dropRate: dropRate ?? DEFAULT_OPTIONS.faults.dropRate,
      seed: seed ?? DEFAULT_OPTIONS.faults.seed,
    };
  }
  assign('keyRotationIntervalSeconds', number('rotate-keys-every', get('rotate-keys-every')));
  if (bool('reusable-challenges')) out.singleUseChallenges = false;
  assign('statePath', get('state'));
  out.seed = !bool('no-seed');
  out.control = !bool('no-control');
  if (bool('help')) out.help = true;
  return out;
}

export function usage(): string {
  const rows = Object.entries(FLAGS).map(([name, f]) => {
    const arg = f.type === 'string' ? ` <value>` : '';
    return `${`  --${name}${arg}`.padEnd(36)}${f.help}  [${f.env}]`;
  });
  return `KSeF 2.0 sandbox — npm run sandbox -- [flags]\n\n${rows.join('\n')}\n`;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof optionsFrom>;
  try {
    options = optionsFrom(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e}\n\n${usage()}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage());
    return;
  }
  const { help: _help, ...sandboxOptions } = options;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(sandboxOptions);
  } catch (e) {
    if (e instanceof StateFileError) console.error(e.message);
    else if ((e as { code?: string }).code === 'EADDRINUSE') {
      console.error(`Port ${sandboxOptions.port} is in use: pick another with --port or SANDBOX_PORT.`);
    } else console.error(`The sandbox could not start: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
  const lines = [
    `KSeF sandbox (${sandboxOptions.mode ?? 'test'} mode) at ${sandbox.baseUrl}`,
    ...(sandboxOptions.control !== false
      ? [`  control API: ${sandbox.origin}/_sandbox/ (CA: ${sandbox.origin}/_sandbox/ca.pem)`]
      : []),
    ...(sandboxOptions.statePath ? [`  state file:  ${sandboxOptions.statePath}`] : []),
    '  seeded data:',
    ...describeSeed(sandbox.seed).map((l) => `    ${l}`),
    'Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));
  if (sandboxOptions.host === '0.0.0.0' || sandboxOptions.host === '::') {
    console.warn(
      'Warning: bound to all interfaces — the sandbox (and its control API) is reachable from the network.',
    );
  }
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
