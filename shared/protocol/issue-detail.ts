/**
 * The `detail` of a refused message: which field, and what was expected — never what was received.
 * Valibot's default messages quote the received value ("… but received "eyJhbGci…""), and a
 * message's fields may carry a token or a secret that a caller then logs or shows (SECURITY.md T5,
 * §3.12; found by tests/security/bridge-router.test.ts). Field names an attacker chose (record keys,
 * unknown keys) are named only when they look like ours: short identifiers.
 */
type IssueLike = {
  readonly message: string;
  readonly path?: readonly { readonly key: unknown }[];
};

const OUR_KIND_OF_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,23}$/;

function pathOf(issue: IssueLike): string {
  const keys = (issue.path ?? []).map(({ key }) =>
    typeof key === 'number' ? String(key) : typeof key === 'string' && OUR_KIND_OF_NAME.test(key) ? key : '…',
  );
  return keys.join('.');
}

/** `issues[0]` as "path: Invalid type: Expected …", with the received value cut off. */
export function issueDetail(issues: readonly IssueLike[] | undefined, fallback: string): string {
  const first = issues?.[0];
  if (!first) return fallback;
  const expected = first.message.replace(/\s*but received[\s\S]*$/, '').slice(0, 200);
  const path = pathOf(first);
  return path ? `${path}: ${expected}` : expected;
}
