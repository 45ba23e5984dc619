/**
 * Passphrase strength (SECURITY.md §4, T4): the vault passphrase and every backup passphrase must
 * reach ≥ 10^14 estimated guesses, or be at least five diceware-like words. With Argon2id at
 * 64 MiB/t3/p4 one RTX-4090-class GPU tries about 2,000 guesses a second, so 10^14 takes 100 GPUs
 * about 16 years. Weaker passphrases are refused, never silently accepted.
 *
 * The estimate is zxcvbn-ts (a maintained TypeScript port of Dropbox's zxcvbn) with its common
 * password list and the Polish and English dictionaries: it models what attackers actually try
 * (common passwords, words, names, keyboard walks, dates, l33t, repeats) instead of counting
 * character classes, which would rate "Password1234!" as strong. Its dictionaries are large
 * (~1.2 MB gzipped), so they are imported lazily on first use — in the PWA only the key worker loads
 * them, when a passphrase is set or changed (or the strength meter asks it).
 */
import { ok, type Result } from '../result.ts';
import { type DomainError, domainFail } from './errors.ts';

export const PASSPHRASE_POLICY = Object.freeze({
  /** log10 of the estimated guesses a passphrase must reach (10^14). */
  MIN_GUESSES_LOG10: 14,
  /** Or this many distinct words of at least MIN_WORD_LETTERS letters (diceware-like). */
  MIN_WORDS: 5,
  MIN_WORD_LETTERS: 3,
  /** A word list alone is not enough when the words repeat a pattern ("aaa bbb ccc ddd eee"). */
  MIN_GUESSES_LOG10_FOR_WORDS: 10,
  /** Longer inputs are refused: Argon2id takes any length, but a 1 MB "passphrase" is a paste accident. */
  MAX_CHARS: 1024,
});

export type StrengthFeedback = {
  readonly warning: { readonly pl: string; readonly en: string } | null;
  readonly suggestions: readonly { readonly pl: string; readonly en: string }[];
};

export type PassphraseStrength = {
  /** log10 of zxcvbn's estimated guesses. */
  readonly guessesLog10: number;
  /** Distinct words of ≥ 3 letters separated by spaces, hyphens, dots or underscores. */
  readonly words: number;
  /** 0–4 for a strength bar: 4 only when the floor is met. */
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly meetsFloor: boolean;
  readonly feedback: StrengthFeedback;
};

type Estimator = {
  check(
    password: string,
    userInputs?: (string | number)[],
  ): {
    guessesLog10: number;
    feedback: { warning: string | null; suggestions: string[] };
  };
};
type Translations = { warnings: Record<string, string>; suggestions: Record<string, string> };

let loaded: Promise<{ estimator: Estimator; pl: Translations; en: Translations }> | undefined;

async function load() {
  loaded ??= (async () => {
    const [{ ZxcvbnFactory }, common, pl, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-pl'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const estimator = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...pl.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      // Off: over the full dictionaries it costs seconds per random-looking input, and the l33t and
      // dictionary matchers already rate near-misses ("Passw0rd1234!") as the common password.
      useLevenshteinDistance: false,
      maxLength: PASSPHRASE_POLICY.MAX_CHARS,
    });
    return {
      estimator: estimator as Estimator,
      pl: pl.translations as unknown as Translations,
      en: en.translations as unknown as Translations,
    };
  })();
  return loaded;
}

/** Counts distinct words of at least three letters; digits and punctuation separate words. */
export function countDicewareWords(passphrase: string): number {
  const words = passphrase
    .normalize('NFC')
    .toLocaleLowerCase('pl')
    .split(/[^\p{L}]+/u)
    .filter((w) => [...w].length >= PASSPHRASE_POLICY.MIN_WORD_LETTERS);
  return new Set(words).size;
}

const scoreOf = (log10: number, meetsFloor: boolean): PassphraseStrength['score'] => {
  if (meetsFloor) return 4;
  if (log10 >= 11) return 3;
  if (log10 >= 8) return 2;
  if (log10 >= 5) return 1;
  return 0;
};

/**
 * Estimates a passphrase. `userInputs` are words an attacker would try first for this user: company
 * names and NIPs already in the vault.
 */
export async function estimatePassphrase(
  passphrase: string,
  userInputs: readonly string[] = [],
): Promise<PassphraseStrength> {
  const { estimator, pl, en } = await load();
  const r = estimator.check(passphrase.slice(0, PASSPHRASE_POLICY.MAX_CHARS), [...userInputs]);
  const words = countDicewareWords(passphrase);
  const meetsFloor =
    r.guessesLog10 >= PASSPHRASE_POLICY.MIN_GUESSES_LOG10 ||
    (words >= PASSPHRASE_POLICY.MIN_WORDS && r.guessesLog10 >= PASSPHRASE_POLICY.MIN_GUESSES_LOG10_FOR_WORDS);
  const tr = (group: 'warnings' | 'suggestions', key: string) => ({
    pl: pl[group][key] ?? key,
    en: en[group][key] ?? key,
  });
  return {
    guessesLog10: Math.round(r.guessesLog10 * 100) / 100,
    words,
    score: scoreOf(r.guessesLog10, meetsFloor),
    meetsFloor,
    feedback: {
      warning: r.feedback.warning ? tr('warnings', r.feedback.warning) : null,
      suggestions: r.feedback.suggestions.map((s) => tr('suggestions', s)),
    },
  };
}

/** The gate used wherever a passphrase is set: a weak or overlong passphrase is refused. */
export async function checkPassphraseFloor(
  passphrase: unknown,
  userInputs: readonly string[] = [],
): Promise<Result<PassphraseStrength, DomainError>> {
  if (typeof passphrase !== 'string' || passphrase.length === 0)
    return domainFail('PASSPHRASE_TOO_WEAK', 'empty');
  if (passphrase.length > PASSPHRASE_POLICY.MAX_CHARS) return domainFail('PASSPHRASE_TOO_LONG');
  const s = await estimatePassphrase(passphrase, userInputs);
  return s.meetsFloor
    ? ok(s)
    : domainFail('PASSPHRASE_TOO_WEAK', `about 10^${Math.floor(s.guessesLog10)} guesses`);
}
