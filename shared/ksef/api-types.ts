/**
 * Request and response types per spec operation, read from the types openapi-typescript generated
 * from the official open-api.json (shared/ksef/generated/openapi.ts) — never hand-copied.
 *
 * Why not openapi-fetch (installed): it drives `fetch` with URLs, and our calls must not carry a URL
 * at all. They go through the injected `Transport` as `{env, operation, pathParams, …}` and the
 * network side builds the URL (SECURITY.md T6). So this is a thin type layer over the same generated
 * `paths` that openapi-fetch would use: an operation id such as "POST /auth/ksef-token" picks its
 * method and path template, and from those the JSON body, query and response of each status.
 */
import type { components, paths } from './generated/openapi.ts';
import type { KsefOperationId } from './generated/operations.ts';

type MethodOf<Op extends string> = Op extends `${infer M} ${string}` ? Lowercase<M> : never;
type PathOf<Op extends string> = Op extends `${string} ${infer P}` ? P : never;

/** The generated operation object of an operation id. */
export type OperationOf<Op extends KsefOperationId> =
  PathOf<Op> extends keyof paths
    ? MethodOf<Op> extends keyof paths[PathOf<Op>]
      ? NonNullable<paths[PathOf<Op>][MethodOf<Op>]>
      : never
    : never;

type ResponsesOf<Op extends KsefOperationId> = OperationOf<Op> extends { responses: infer R } ? R : never;

/** The `application/json` body of response `Status` of `Op`. */
export type JsonResponse<
  Op extends KsefOperationId,
  Status extends number,
> = Status extends keyof ResponsesOf<Op>
  ? ResponsesOf<Op>[Status] extends { content: { 'application/json': infer B } }
    ? B
    : never
  : never;

/** The `application/json` request body of `Op`. */
export type JsonRequestBody<Op extends KsefOperationId> =
  OperationOf<Op> extends {
    requestBody?: { content: { 'application/json': infer B } };
  }
    ? B
    : never;

/** The query parameters of `Op` (only scalar ones travel through the Transport). */
export type QueryOf<Op extends KsefOperationId> =
  OperationOf<Op> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Schemas = components['schemas'];
