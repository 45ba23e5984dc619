/**
 * Where a 429's Retry-After is remembered so that every flow of the same environment and context
 * waits it out, not only the one that was told (SECURITY.md T12: "Retry-After per context across
 * tabs"; KSeF counts limits per context + client IP and lengthens the block on repeated violations,
 * REFERENCE §2.6). The in-memory gate serves one page; the PWA injects one shared across its tabs.
 */
export interface RateLimitGate {
  /** Epoch ms until which `scope` must not send; 0 or a past time when it may. */
  blockedUntil(scope: string): number;
  /** Records a block; an earlier end never shortens a later one. */
  block(scope: string, untilMs: number): void;
}

export function createMemoryRateLimitGate(): RateLimitGate {
  const until = new Map<string, number>();
  return {
    blockedUntil: (scope) => until.get(scope) ?? 0,
    block(scope, untilMs) {
      if (untilMs > (until.get(scope) ?? 0)) until.set(scope, untilMs);
    },
  };
}
