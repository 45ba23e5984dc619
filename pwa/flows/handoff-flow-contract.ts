/**
 * The hand-off's flow methods on the key worker's RPC (handoff-flows.ts): a strict schema per
 * method, checked by the worker before anything runs. Inputs only — a company, an ERP origin, the
 * user's ERP addresses, reference numbers of sessions this vault handed — never a token, a
 * document or a challenge. Kept apart from the handlers so that the page bundle gets the schemas
 * without the flows.
 */
import * as v from 'valibot';
import {
  EnvironmentIdSchema,
  ErpOriginSchema,
  NipSchema,
  ReferenceNumberSchema,
} from '../../shared/protocol/handoff-fields.ts';

const operationId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const passphrase = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));
/** Dotted-quad IPv4 (KSeF's Ip4Address); at most 9, the 10th is the browser's own (REFERENCE §6.1). */
const erpAddresses = v.pipe(
  v.array(
    v.pipe(
      v.string(),
      v.regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/),
    ),
  ),
  v.maxLength(9),
);

export const HANDOFF_FLOW_METHODS = {
  mintHandoffSession: v.strictObject({
    operationId,
    companyId: id,
    origin: ErpOriginSchema,
    includeRefreshToken: v.boolean(),
    erpAddresses,
  }),
  revokeHandedSessions: v.strictObject({
    operationId,
    referenceNumbers: v.pipe(v.array(ReferenceNumberSchema), v.minLength(1), v.maxLength(500)),
  }),
  refreshHandedSession: v.strictObject({ operationId, referenceNumber: ReferenceNumberSchema }),
  approveHandoff: v.strictObject({
    operationId,
    origin: ErpOriginSchema,
    companyId: id,
    allowRefresh: v.boolean(),
    erpAddresses,
    passphrase,
  }),
  handoffApproval: v.strictObject({ operationId, origin: ErpOriginSchema, companyId: id }),
  withdrawHandoffApproval: v.strictObject({
    operationId,
    origin: ErpOriginSchema,
    nip: NipSchema,
    environment: EnvironmentIdSchema,
    passphrase,
  }),
} as const;

export type HandoffFlowMethod = keyof typeof HANDOFF_FLOW_METHODS;
export type HandoffFlowInput<K extends HandoffFlowMethod> = v.InferOutput<(typeof HANDOFF_FLOW_METHODS)[K]>;
export const isHandoffFlowMethod = (m: string): m is HandoffFlowMethod =>
  Object.hasOwn(HANDOFF_FLOW_METHODS, m);
