/**
 * How many days a company that relies on a KSeF token has left under the current rules. Pure: the
 * clock is passed in, so tests (and the UI) can ask about any moment.
 */
import type { TokenSunsetPolicy } from './token-sunset-policy.ts';

/** KSeF's legal deadlines are calendar days in Poland, whatever the device's time zone. */
export const POLISH_TIME_ZONE = 'Europe/Warsaw';

const DAY_MS = 86_400_000;

export type TokenSunsetStatus =
  | { readonly kind: 'before'; readonly daysLeft: number; readonly lastDay: string; readonly nextDay: string }
  | { readonly kind: 'after'; readonly lastDay: string; readonly nextDay: string };

/** The calendar date (`YYYY-MM-DD`) in Poland at the instant `nowMs`. */
export function polishDate(nowMs: number): string {
  // en-CA formats as YYYY-MM-DD; the parts API avoids depending on that detail.
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: POLISH_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(nowMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function dayNumber(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${isoDate}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function isoFromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from `fromDate` to `toDate` (both `YYYY-MM-DD`); negative when before. */
export function daysBetween(fromDate: string, toDate: string): number {
  return dayNumber(toDate) - dayNumber(fromDate);
}

export function tokenSunsetStatus(nowMs: number, policy: TokenSunsetPolicy): TokenSunsetStatus {
  const today = polishDate(nowMs);
  const nextDay = isoFromDayNumber(dayNumber(policy.lastDay) + 1);
  const daysLeft = daysBetween(today, policy.lastDay);
  // The last day itself still counts as usable: on it, 0 days remain after today.
  if (daysLeft < 0) return { kind: 'after', lastDay: policy.lastDay, nextDay };
  return { kind: 'before', daysLeft, lastDay: policy.lastDay, nextDay };
}
