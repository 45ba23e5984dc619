/**
 * The "KSeF permissions" dialog: every token permission with what it allows, none preselected,
 * and the advice to grant the fewest (seed/000 security advice).
 */
import { useId } from 'preact/hooks';
import type { AppStringKey, Translate } from '../../app/strings.ts';
import { Dialog } from '../../ui/dialog.tsx';

/** The token permission values of the official spec (`TokenPermissionType`). */
export const TOKEN_PERMISSIONS = Object.freeze([
  'InvoiceRead',
  'InvoiceWrite',
  'CredentialsRead',
  'CredentialsManage',
  'SubunitManage',
  'EnforcementOperations',
  'Introspection',
] as const);
export type TokenPermission = (typeof TOKEN_PERMISSIONS)[number];

export const PERMISSION_LABELS: Readonly<Record<TokenPermission, readonly [AppStringKey, AppStringKey]>> =
  Object.freeze({
    InvoiceRead: ['permInvoiceRead', 'permInvoiceReadHelp'],
    InvoiceWrite: ['permInvoiceWrite', 'permInvoiceWriteHelp'],
    CredentialsRead: ['permCredentialsRead', 'permCredentialsReadHelp'],
    CredentialsManage: ['permCredentialsManage', 'permCredentialsManageHelp'],
    SubunitManage: ['permSubunitManage', 'permSubunitManageHelp'],
    EnforcementOperations: ['permEnforcementOperations', 'permEnforcementOperationsHelp'],
    Introspection: ['permIntrospection', 'permIntrospectionHelp'],
  });

export function PermissionsDialog(props: {
  open: boolean;
  selected: ReadonlySet<TokenPermission>;
  onChange(next: ReadonlySet<TokenPermission>): void;
  onClose(): void;
  t: Translate;
}) {
  const { t } = props;
  const base = useId();
  return (
    <Dialog open={props.open} title={t('ksefPermissions')} closeLabel={t('close')} onClose={props.onClose}>
      <p>{t('tokenAdvice')}</p>
      <p class="muted small">{t('permissionsStartHint')}</p>
      <fieldset class="permissions">
        <legend>{t('ksefPermissions')}</legend>
        {TOKEN_PERMISSIONS.map((p) => {
          const [label, help] = PERMISSION_LABELS[p];
          const id = `${base}-${p}`;
          return (
            <div class="permissions__item" key={p}>
              <input
                type="checkbox"
                id={id}
                checked={props.selected.has(p)}
                aria-describedby={`${id}-help`}
                onChange={(e) => {
                  const next = new Set(props.selected);
                  if (e.currentTarget.checked) next.add(p);
                  else next.delete(p);
                  props.onChange(next);
                }}
              />
              <label for={id}>
                {t(label)} <code>{p}</code>
              </label>
              <p id={`${id}-help`} class="field__hint">
                {t(help)}
              </p>
            </div>
          );
        })}
      </fieldset>
    </Dialog>
  );
}
