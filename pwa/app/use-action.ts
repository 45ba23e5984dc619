/**
 * One user action at a time per section: runs a use case, keeps its progress (from the key
 * worker's events), and ends with a message or an error the user can read. `cancel()` aborts the
 * running flow (the worker stops it; a cancelled login never redeems).
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import type { Locale } from '../../shared/i18n/translate.ts';
import { type DescribedError, describeError } from '../features/errors/describe-error.ts';
import type { FlowError, FlowProgress, FlowResult } from '../flows/flow-api.ts';
import type { FlowCallOptions } from '../flows/flow-client.ts';
import type { Translate } from './strings.ts';

export type ActionState = {
  readonly running: string | null;
  readonly progress: FlowProgress | null;
  readonly error: DescribedError | null;
  readonly done: string | null;
};

const IDLE: ActionState = { running: null, progress: null, error: null, done: null };

export type Action = {
  readonly state: ActionState;
  run<T>(
    name: string,
    fn: (options: Required<FlowCallOptions>) => Promise<FlowResult<T>>,
    onDone?: (value: T) => unknown,
    onError?: (error: FlowError) => void,
  ): Promise<FlowResult<T> | undefined>;
  cancel(): void;
  clear(): void;
  /** Show a message or an error without running anything (a check in the page failed). */
  say(done: string | null, error?: DescribedError | null): void;
};

export function useAction(t: Translate, locale: Locale): Action {
  const [state, setState] = useState<ActionState>(IDLE);
  const controller = useRef<AbortController | null>(null);

  const run = useCallback<Action['run']>(
    async (name, fn, onDone, onError) => {
      if (controller.current) return undefined;
      const c = new AbortController();
      controller.current = c;
      setState({ running: name, progress: null, error: null, done: null });
      try {
        const r = await fn({
          signal: c.signal,
          onProgress: (p) => setState((s) => (s.running === name ? { ...s, progress: p } : s)),
        });
        if (r.ok) {
          const message = onDone?.(r.value);
          setState({ ...IDLE, done: typeof message === 'string' ? message : null });
        } else {
          onError?.(r.error);
          setState({
            ...IDLE,
            error:
              r.error.code === 'ABORTED' ? { message: t('cancelled') } : describeError(r.error, t, locale),
          });
        }
        return r;
      } catch {
        // The key worker went away (the vault locked and the page is reloading) or a bug.
        setState({ ...IDLE, error: { message: t('errorWorkerGone') } });
        return undefined;
      } finally {
        controller.current = null;
      }
    },
    [t, locale],
  );

  return {
    state,
    run,
    cancel: () => controller.current?.abort(),
    clear: () => setState(IDLE),
    say: (done, error = null) => setState({ ...IDLE, done, error }),
  };
}
