/**
 * The line under a section's buttons: what is running now (the flow's step, status polls, the
 * challenge's time left) with a Cancel button, then what came of it — a message, or an error with
 * what to do next and KSeF's own words beside it (as text).
 */

import type { AppStringKey, Translate } from '../app/strings.ts';
import type { ActionState } from '../app/use-action.ts';
import { CHALLENGE_LIFETIME_MS, challengeCountdown } from '../features/signed-request/challenge-countdown.ts';
import type { FlowProgress } from '../flows/flow-api.ts';

const STEP_TEXT: Readonly<Record<FlowProgress['step'], AppStringKey>> = Object.freeze({
  session: 'stepSession',
  refreshing: 'stepRefreshing',
  publicKey: 'stepPublicKey',
  challenge: 'stepChallenge',
  signing: 'stepSigning',
  encrypting: 'stepEncrypting',
  submitting: 'stepSubmitting',
  polling: 'stepPolling',
  redeeming: 'stepRedeeming',
  recording: 'stepRecording',
  limits: 'stepLimits',
  'enrollment-data': 'stepEnrollmentData',
  key: 'stepKey',
  enrolling: 'stepEnrolling',
  'enrollment-status': 'stepEnrollmentStatus',
  retrieving: 'stepRetrieving',
  generating: 'stepGenerating',
  activating: 'stepActivating',
  searching: 'stepSearching',
  revoking: 'stepRevoking',
  listing: 'stepListing',
  done: 'stepDone',
});

export function progressText(p: FlowProgress, t: Translate): string {
  const parts = [t(STEP_TEXT[p.step], { polls: p.polls ?? 0 })];
  if (p.items !== undefined && p.item !== undefined)
    parts.push(t('progressItem', { item: p.item, items: p.items }));
  if (p.challengeLeftMs !== undefined && p.step !== 'done') {
    // The worker reports the time left on its clock; shown as the same m:ss countdown.
    const c = challengeCountdown(0, CHALLENGE_LIFETIME_MS - p.challengeLeftMs);
    parts.push(c.expired ? t('challengeExpired') : t('challengeCountdown', { time: c.label }));
  }
  return parts.join(' · ');
}

export function ActionStatus(props: {
  state: ActionState;
  onCancel?: () => void;
  t: Translate;
  testId?: string;
}) {
  const { state, t } = props;
  const id = props.testId ?? 'action';
  return (
    <div class="action-status">
      <p
        role="status"
        class="action-status__line"
        data-testid={`${id}-status`}
        data-state={state.running ? 'running' : 'idle'}
      >
        {state.running ? (
          <>
            <span class="spinner" aria-hidden="true" />
            {state.progress ? progressText(state.progress, t) : t('working')}
            {props.onCancel ? (
              <>
                {' '}
                <button type="button" class="button button--small" onClick={props.onCancel}>
                  {t('cancel')}
                </button>
              </>
            ) : null}
          </>
        ) : state.done ? (
          <span class="action-status__done" data-testid={`${id}-done`}>
            {state.done}
          </span>
        ) : null}
      </p>
      {state.error ? (
        <div class="notice notice--danger" role="alert" data-testid={`${id}-error`}>
          <p>{state.error.message}</p>
          {state.error.ksefText ? (
            <p class="small">
              {t('ksefSaid')} <q>{state.error.ksefText}</q>
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
