/**
 * The login budget of SECURITY.md §4 / T12: at most 30 logins per company per hour, and after KSeF
 * answers 480 ("Uwierzytelnienie zablokowane" — suspected security incident, REFERENCE §4) every
 * automatic login for that company stops until a person resumes it. Platform-free: the state lives in
 * an injected store, so the PWA can share one budget across its tabs (e.g. IndexedDB under a Web
 * Lock); the default store is in memory.
 *
 * Every submission counts, including the automatic restarts after a lost answer or a 550, because
 * each one is a login attempt KSeF sees.
 */
import type { Clock } from '../platform.ts';
import { fail, ok, type Result } from '../result.ts';

export type LoginBudgetState = {
  /** Epoch ms of the attempts in the current window (oldest first). */
  readonly attempts: readonly number[];
  /** Set after a 480: automation stays stopped until `resume`. */
  readonly stoppedAtMs?: number;
};

export interface LoginBudgetStore {
  read(key: string): Promise<LoginBudgetState | undefined>;
  write(key: string, state: LoginBudgetState): Promise<void>;
}

export interface LoginLimiter {
  /** Records one login attempt for `key`, or refuses it (LOGIN_BUDGET_EXCEEDED, AUTOMATION_STOPPED). */
  acquire(key: string): Promise<Result<void>>;
  /** KSeF said 480 for this company: stop automatic logins. */
  stop(key: string): Promise<void>;
  /** A person looked at the 480 and wants to try again. */
  resume(key: string): Promise<void>;
}

export const LOGIN_BUDGET = Object.freeze({ MAX_LOGINS: 30, WINDOW_MS: 60 * 60 * 1000 });

export function createMemoryLoginBudgetStore(): LoginBudgetStore {
  const states = new Map<string, LoginBudgetState>();
  return {
    read: async (key) => states.get(key),
    write: async (key, state) => {
      states.set(key, state);
    },
  };
}

export function createLoginLimiter(
  clock: Pick<Clock, 'now'>,
  store: LoginBudgetStore = createMemoryLoginBudgetStore(),
  limits: { readonly maxLogins: number; readonly windowMs: number } = {
    maxLogins: LOGIN_BUDGET.MAX_LOGINS,
    windowMs: LOGIN_BUDGET.WINDOW_MS,
  },
): LoginLimiter {
  return {
    async acquire(key) {
      const now = clock.now();
      const state = (await store.read(key)) ?? { attempts: [] };
      if (state.stoppedAtMs !== undefined) {
        return fail('AUTOMATION_STOPPED', {
          detail: 'KSeF blocked authentication for this company (status 480); resume manually',
        });
      }
      const recent = state.attempts.filter((t) => t > now - limits.windowMs && t <= now);
      if (recent.length >= limits.maxLogins) {
        const retryAfterMs = recent[0]! + limits.windowMs - now;
        return fail('LOGIN_BUDGET_EXCEEDED', {
          detail: `${limits.maxLogins} logins in the last hour`,
          retryAfterMs,
        });
      }
      await store.write(key, { attempts: [...recent, now] });
      return ok(undefined);
    },
    async stop(key) {
      const state = (await store.read(key)) ?? { attempts: [] };
      await store.write(key, { ...state, stoppedAtMs: clock.now() });
    },
    async resume(key) {
      const state = (await store.read(key)) ?? { attempts: [] };
      await store.write(key, { attempts: state.attempts });
    },
  };
}
