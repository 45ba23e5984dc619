/**
 * A company tab's button that runs one use case as its section's action (`useAction`): progress,
 * Cancel and outcome show in the section's status line. Nothing runs without a connected wallet.
 * Off by the rules of every action button: while the scope is blocked, while any action of the
 * section runs, or for its own reason.
 */
import type { Action } from '../../app/use-action.ts';
import type { Wallet } from '../../app/wallet.ts';
import type { FlowResult } from '../../flows/flow-api.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';
import { ActionButton, type ActionButtonProps } from '../../ui/action-button.tsx';

/**
 * What a section's buttons run with: the section's one action at a time, the wallet, and why they
 * cannot run now — KSeF actions need the network, the extension and the vault; vault writes (the
 * default, the activity check) only the vault.
 */
export type ActionScope = {
  readonly action: Action;
  readonly wallet: Wallet | null;
  readonly blocked: string | null;
};

export function RunButton<T>(
  props: Omit<ActionButtonProps, 'blocked' | 'busy'> & {
    scope: ActionScope;
    /** The action's name while it runs (one per kind of action). */
    name: string;
    run(wallet: Wallet, options: Required<FlowCallOptions>): Promise<FlowResult<T>>;
    /** The message that stays on screen when it succeeded (and what else the tab keeps of the value). */
    done?(value: T): unknown;
    /** What to do once it ended, whatever came of it (read a list again). */
    after?(): unknown;
  },
) {
  const { action, wallet, blocked } = props.scope;
  return (
    <ActionButton
      look={props.look}
      blocked={blocked}
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
