/** What enabling and disabling ERP sites needs from the browser, injected for Node tests. */
import type { ErpOriginPolicy } from '../../shared/protocol/erp-origin.ts';
import type { ExtensionDb } from '../storage/extension-db.ts';
import type { ScriptingLike } from './content-script-registry.ts';

export type PermissionsLike = {
  contains(p: { origins: string[] }): Promise<boolean>;
  remove(p: { origins: string[] }): Promise<boolean>;
};

export type ErpSiteContext = {
  readonly db: ExtensionDb;
  readonly scripting: ScriptingLike;
  readonly permissions: PermissionsLike;
  readonly policy: ErpOriginPolicy;
  /** The wallet's own origin is never an ERP site. */
  readonly pwaOrigin: string;
  now(): number;
  tabOrigin(tabId: number): Promise<string | null>;
};
