import type { AvailabilityPolicyBody, AvailabilityPolicyView } from '@tutorline/contracts';

/** The editor's working copy of an availability policy: ranges carry keys so rows keep focus and errors find them. */

export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof weekdays)[number];
export const weekdayNames: Record<Weekday, string> = { 1: 'Monday', 2: 'Tuesday', 3: 'Wednesday', 4: 'Thursday', 5: 'Friday', 6: 'Saturday', 7: 'Sunday' };
export const weekdayShort: Record<Weekday, string> = { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' };
export const sessionLengthChoices = [30, 45, 60] as const;

export interface RangeDraft {
  key: string;
  start: string;
  end: string;
}

export interface OverrideDraft {
  key: string;
  date: string;
  /** A day off has no ranges; otherwise the ranges replace that weekday's hours. */
  ranges: RangeDraft[];
}

export interface AvailabilityDraft {
  timeZone: string;
  week: Record<Weekday, RangeDraft[]>;
  overrides: OverrideDraft[];
  durationsMinutes: number[];
  bufferMinutes: number;
  minNoticeMinutes: number;
  /** '' means no daily limit. */
  maxPerDay: string;
  horizonDays: number;
  cancelFreeHours: number;
}

let nextKey = 0;
export const newKey = (prefix: string): string => `${prefix}${++nextKey}`;

/** A native time input cannot say 24:00, so the end of the day reads 00:00 in the editor and is sent as 24:00. */
export function rangeDraft(start: string, end: string): RangeDraft {
  return { key: newKey('r'), start, end: end === '24:00' ? '00:00' : end };
}

const sendRange = (r: RangeDraft) => ({ start: r.start, end: r.end === '00:00' ? '24:00' : r.end });

export function draftFromPolicy(p: AvailabilityPolicyView | AvailabilityPolicyBody): AvailabilityDraft {
  const week = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } as Record<Weekday, RangeDraft[]>;
  const rules = [...p.rules].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
  for (const r of rules) week[r.weekday as Weekday]?.push(rangeDraft(r.start, r.end));
  return {
    timeZone: p.timeZone,
    week,
    overrides: [...p.overrides]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((o) => ({ key: newKey('o'), date: o.date, ranges: o.ranges.map((r) => rangeDraft(r.start, r.end)) })),
    durationsMinutes: [...p.durationsMinutes],
    bufferMinutes: p.bufferMinutes,
    minNoticeMinutes: p.minNoticeMinutes,
    maxPerDay: p.maxPerDay === null ? '' : String(p.maxPerDay),
    horizonDays: p.horizonDays,
    cancelFreeHours: p.cancelFreeHours,
  };
}

/**
 * The body to PUT, plus where each rule and override range came from, so the server's "rules[3]: …" can be shown
 * beside the row it is about. Check `draftProblems` first.
 */
export function bodyFromDraft(d: AvailabilityDraft): { body: AvailabilityPolicyBody; ruleKeys: string[]; overrideKeys: string[]; overrideRangeKeys: string[][] } {
  const rules: AvailabilityPolicyBody['rules'] = [];
  const ruleKeys: string[] = [];
  for (const day of weekdays) {
    for (const r of d.week[day]) {
      rules.push({ weekday: day, ...sendRange(r) });
      ruleKeys.push(r.key);
    }
  }
  const max = d.maxPerDay.trim();
  return {
    body: {
      timeZone: d.timeZone,
      rules,
      overrides: d.overrides.map((o) => ({ date: o.date, ranges: o.ranges.map(sendRange) })),
      durationsMinutes: [...d.durationsMinutes].sort((a, b) => a - b),
      bufferMinutes: d.bufferMinutes,
      minNoticeMinutes: d.minNoticeMinutes,
      maxPerDay: max === '' ? null : Number(max),
      horizonDays: d.horizonDays,
      cancelFreeHours: d.cancelFreeHours,
    },
    ruleKeys,
    overrideKeys: d.overrides.map((o) => o.key),
    overrideRangeKeys: d.overrides.map((o) => o.ranges.map((r) => r.key)),
  };
}

/** Monday's ranges copied (as new rows) onto Tuesday to Friday, replacing theirs. */
export function copyMondayToWeekdays(week: AvailabilityDraft['week']): AvailabilityDraft['week'] {
  const copy = (): RangeDraft[] => week[1].map((r) => rangeDraft(r.start, r.end));
  return { ...week, 2: copy(), 3: copy(), 4: copy(), 5: copy() };
}

/** A sensible next range for a day: an hour after its last one ends, or 09:00–12:00 on an empty day. */
export function suggestRange(existing: RangeDraft[]): { start: string; end: string } {
  const last = existing[existing.length - 1];
  if (!last) return { start: '09:00', end: '12:00' };
  const [h = 0, m = 0] = last.end.split(':').map(Number);
  const startH = Math.min(h + 1, 22);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { start: `${pad(startH)}:${pad(m)}`, end: `${pad(Math.min(startH + 2, 23))}:${pad(m)}` };
}

/** Local checks before sending: what the server would also reject, said next to the row. Keys as in `errorKeyFor`. */
export function draftProblems(d: AvailabilityDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  const check = (key: string, r: RangeDraft) => {
    if (!/^\d{2}:\d{2}$/.test(r.start) || !/^\d{2}:\d{2}$/.test(r.end)) problems[key] = 'Enter both a start and an end time.';
    else if (r.end !== '00:00' && r.end <= r.start) problems[key] = 'The end must be after the start.';
  };
  for (const day of weekdays) for (const r of d.week[day]) check(r.key, r);
  const seen = new Set<string>();
  for (const o of d.overrides) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.date)) problems[o.key] = 'Pick a date.';
    else if (seen.has(o.date)) problems[o.key] = 'This date is already listed.';
    seen.add(o.date);
    for (const r of o.ranges) check(r.key, r);
  }
  if (d.durationsMinutes.length === 0) problems.durationsMinutes = 'Offer at least one lesson length.';
  const max = d.maxPerDay.trim();
  if (max !== '' && !(/^\d+$/.test(max) && Number(max) >= 1 && Number(max) <= 48)) problems.maxPerDay = 'Enter a whole number from 1 to 48, or leave it empty for no limit.';
  return problems;
}

/** "rules[3]: end must be after start" → "End must be after start". */
export function cleanMessage(message: string): string {
  const text = message.replace(/^[\w[\].]+:\s*/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Which editor row or field a server error path is about: "rules[3]" and "body.rules.3.end" → the 4th rule's key;
 * "overrides[1].ranges[0]" → that range's key; "overrides[1]" → the override's key; "body.bufferMinutes" → "bufferMinutes".
 */
export function errorKeyFor(path: string, keys: { ruleKeys: string[]; overrideKeys: string[]; overrideRangeKeys: string[][] }): string {
  const parts = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  if (parts[0] === 'body') parts.shift();
  const [field, a, b, c] = parts;
  if (field === 'rules' && a !== undefined) return keys.ruleKeys[Number(a)] ?? 'rules';
  if (field === 'overrides' && a !== undefined) {
    if (b === 'ranges' && c !== undefined) return keys.overrideRangeKeys[Number(a)]?.[Number(c)] ?? keys.overrideKeys[Number(a)] ?? 'overrides';
    return keys.overrideKeys[Number(a)] ?? 'overrides';
  }
  return field ?? '';
}
