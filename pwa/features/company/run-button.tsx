/**
 * A company tab's button that runs one use case as the section's action (`useAction`): its
 * progress, Cancel and outcome show in the section's status line. Nothing runs without a connected
 * wallet. Off by the rules of every action button, and while any action of the section runs.
 */
import type { Action } from '../../app/use-action.ts';
import type { Wallet } from '../../app/wallet.ts';
import type { FlowResult } from '../../flows/flow-api.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';
import { ActionButton, type ActionButtonProps } from '../../ui/action-button.tsx';

export function RunButton<T>(
  props: Omit<ActionButtonProps, 'busy'> & {
    action: Action;
    wallet: Wallet | null;
    /** The action's name while it runs (one per kind of action). */
    name: string;
    run(wallet: Wallet, options: Required<FlowCallOptions>): Promise<FlowResult<T>>;
    /** The message that stays on screen when it succeeded (and what else the tab keeps of the value). */
    done?(value: T): unknown;
    /** What to do once it ended, whatever came of it (read a list again). */
    after?(): unknown;
  },
) {
  const { action, wallet } = props;
  return (
    <ActionButton
      look={props.look}
      blocked={props.blocked}
      busy={action.state.running !== null}
      off={props.off}
      label={props.label}
      describedBy={props.describedBy}
      onClick={async () => {
        if (!wallet) return;
        await action.run(props.name, (o) => props.run(wallet, o), props.done);
        await props.after?.();
      }}
    >
      {props.children}
    </ActionButton>
  );
}
