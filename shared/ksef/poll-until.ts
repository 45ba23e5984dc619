/**
 * Polls an asynchronous KSeF status on the schedule of a PollPolicy (backoff.ts) until `isDone`,
 * the time budget runs out (STILL_IN_PROGRESS, with the last value seen), the probe fails, or the
 * signal aborts (ABORTED). The first poll is immediate. The budget is checked before each wait, so
 * polling never sleeps past it.
 */
import type { Clock } from '../platform.ts';
import { fail, ok, type Result } from '../result.ts';
import { type PollPolicy, pollDelayMs } from './backoff.ts';
import { pause } from './ksef-call.ts';

export type Polled<T> = { readonly value: T; readonly polls: number };

export async function pollUntil<T>(
  clock: Clock,
  policy: PollPolicy,
  probe: () => Promise<Result<T>>,
  isDone: (value: T) => boolean,
  options: { readonly signal?: AbortSignal; readonly onPoll?: (value: T, polls: number) => void } = {},
): Promise<Result<Polled<T>>> {
  const started = clock.now();
  let last: T | undefined;
  for (let polls = 0; ; ) {
    const delay = pollDelayMs(policy, polls);
    if (polls > 0 && clock.now() + delay - started > policy.budgetMs) {
      return fail('STILL_IN_PROGRESS', {
        detail: `still in progress after ${polls} polls in ${Math.round((clock.now() - started) / 1000)} s`,
      });
    }
    if (!(await pause(clock, delay, options.signal))) return fail('ABORTED');
    const r = await probe();
    if (!r.ok) return r;
    polls++;
    last = r.value;
    options.onPoll?.(last, polls);
    if (isDone(last)) return ok({ value: last, polls });
  }
}
