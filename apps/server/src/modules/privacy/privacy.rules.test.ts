import { expect, it } from 'vitest';
import { downloadVerdict, EXPORT_COOLDOWN_MS, exportExpiresAt, mayRequestExport, safeEntryName } from './privacy.rules';

const now = new Date('2026-12-07T09:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

it('allows one export at a time and one a day; a failed one does not count', () => {
  expect(mayRequestExport([], now)).toEqual({ ok: true });
  expect(mayRequestExport([{ status: 'pending', requestedAt: ago(3 * EXPORT_COOLDOWN_MS) }], now)).toEqual({ ok: false, reason: 'export_pending' });
  expect(mayRequestExport([{ status: 'ready', requestedAt: ago(1000) }], now)).toEqual({ ok: false, reason: 'too_soon', retryAt: new Date(now.getTime() - 1000 + EXPORT_COOLDOWN_MS) });
  expect(mayRequestExport([{ status: 'expired', requestedAt: ago(EXPORT_COOLDOWN_MS) }], now)).toEqual({ ok: true });
  expect(mayRequestExport([{ status: 'failed', requestedAt: ago(1000) }], now)).toEqual({ ok: true });
  expect(exportExpiresAt(now).getTime() - now.getTime()).toBe(7 * 86_400_000);
});

it('judges a download: the signature first, then the expiry, then who is asking', () => {
  const row = { userId: 'u', requestedBy: 'g', status: 'ready' as const };
  const base = { signatureValid: true, linkExpiresAt: new Date(now.getTime() + 1000), now, exportRow: row, linkUserId: 'u', callerAllowed: true };
  expect(downloadVerdict(base)).toEqual({ ok: true });
  expect(downloadVerdict({ ...base, signatureValid: false, callerAllowed: false })).toEqual({ ok: false, reason: 'bad_link' });
  expect(downloadVerdict({ ...base, linkUserId: 'other' })).toEqual({ ok: false, reason: 'bad_link' });
  expect(downloadVerdict({ ...base, exportRow: null })).toEqual({ ok: false, reason: 'bad_link' });
  expect(downloadVerdict({ ...base, linkExpiresAt: now })).toEqual({ ok: false, reason: 'expired' });
  expect(downloadVerdict({ ...base, exportRow: { ...row, status: 'expired' } })).toEqual({ ok: false, reason: 'expired' });
  expect(downloadVerdict({ ...base, callerAllowed: false })).toEqual({ ok: false, reason: 'not_yours' });
});

it('accepts only plain relative ZIP entry names', () => {
  for (const ok of ['profile.json', 'photos/questions/a1.jpg', 'boards/x.yjs']) expect(safeEntryName(ok), ok).toBe(true);
  for (const bad of ['../x', '/etc/passwd', 'a/../b', 'a//b', '', 'a/./b', 'a\\b']) expect(safeEntryName(bad), bad).toBe(false);
});
