/** The Hono environment of the sandbox app: node bindings plus per-request values set by middleware. */
import type { HttpBindings } from '@hono/node-server';
import type { Runtime } from '../runtime.ts';
import type { SpecOperation } from './spec.ts';

export type SandboxEnv = {
  Bindings: HttpBindings;
  Variables: {
    rt: Runtime;
    traceId: string;
    clientIp: string;
    now: () => number;
    operation: SpecOperation | null;
  };
};
