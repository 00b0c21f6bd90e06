import type { ConnectivityReportBody } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { checkSetupOf, formatReportId, normaliseReportId, overallStatus, REPORT_ID_ALPHABET, splitTurnUrls } from './connectivity.rules';

const ok = { status: 'pass', detail: '' } as const;
const good: ConnectivityReportBody = {
  camera: ok,
  microphone: { ...ok, peakLevel: 0.4 },
  speaker: ok,
  stun: { ...ok, publicAddressSeen: true, ms: 40 },
  turnUdp: { ...ok, ms: 90 },
  turnTcp: { ...ok, ms: 120 },
  uploadKbps: 2000,
  downloadKbps: 8000,
  diagnostics: { browser: 'Chrome 140', os: 'Android', device: 'phone', userAgent: 'x' },
};
const with_ = (patch: Partial<Record<'camera' | 'microphone' | 'speaker' | 'stun' | 'turnUdp' | 'turnTcp', string>>, extra: Partial<ConnectivityReportBody> = {}) => {
  const r = structuredClone(good) as unknown as Record<string, { status: string }>;
  for (const [k, status] of Object.entries(patch)) r[k]!.status = status;
  return { ...(r as unknown as ConnectivityReportBody), ...extra };
};

describe('overall status of a self-test', () => {
  it('passes when everything passed', () => expect(overallStatus(good)).toBe('pass'));
  it('fails when neither camera nor microphone works', () => expect(overallStatus(with_({ camera: 'fail', microphone: 'fail' }))).toBe('fail'));
  it('only warns when one of camera and microphone fails', () => {
    expect(overallStatus(with_({ camera: 'fail' }))).toBe('warn');
    expect(overallStatus(with_({ microphone: 'warn' }))).toBe('warn');
  });
  it('fails when no media path works', () => {
    expect(overallStatus(with_({ stun: 'fail', turnUdp: 'fail', turnTcp: 'fail' }))).toBe('fail');
    expect(overallStatus(with_({ stun: 'warn', turnUdp: 'fail', turnTcp: 'fail' }))).toBe('fail');
  });
  it('warns when one relay transport fails but another path works', () => {
    expect(overallStatus(with_({ turnUdp: 'fail' }))).toBe('warn');
    expect(overallStatus(with_({ stun: 'fail', turnUdp: 'fail' }))).toBe('warn');
  });
  it('warns, not fails, when TURN was not configured and STUN saw no public address', () => {
    expect(overallStatus(with_({ stun: 'warn', turnUdp: 'skipped', turnTcp: 'skipped' }))).toBe('warn');
    expect(overallStatus(with_({ stun: 'skipped', turnUdp: 'skipped', turnTcp: 'skipped' }))).toBe('warn');
  });
  it('treats a skipped speaker answer as neutral', () => expect(overallStatus(with_({ speaker: 'skipped' }))).toBe('pass'));
  it('warns on a connection too slow for video', () => {
    expect(overallStatus(with_({}, { uploadKbps: 90 }))).toBe('warn');
    expect(overallStatus(with_({}, { uploadKbps: null, downloadKbps: null }))).toBe('pass');
  });
});

describe("overall status on a site that does not offer every way (the site's setup is not the user's network)", () => {
  const none = { stun: false, turnUdp: false, turnTcp: false };
  const noTurn = { stun: true, turnUdp: false, turnTcp: false };
  it('passes when everything the site offers worked, though it offers no STUN or TURN at all', () => {
    expect(overallStatus(with_({ stun: 'skipped', turnUdp: 'skipped', turnTcp: 'skipped' }), none)).toBe('pass');
    expect(overallStatus(with_({ turnUdp: 'skipped', turnTcp: 'skipped' }), noTurn)).toBe('pass');
    expect(overallStatus(with_({ stun: 'skipped' }), { stun: false, turnUdp: true, turnTcp: true })).toBe('pass');
  });
  it("still counts the user's own problems, and what the site offers that did not work", () => {
    expect(overallStatus(with_({ stun: 'skipped', turnUdp: 'skipped', turnTcp: 'skipped', speaker: 'fail' }), none)).toBe('warn');
    expect(overallStatus(with_({ stun: 'skipped', turnUdp: 'skipped', turnTcp: 'skipped' }, { uploadKbps: 90 }), none)).toBe('warn');
    expect(overallStatus(with_({ camera: 'fail', microphone: 'fail', stun: 'skipped', turnUdp: 'skipped', turnTcp: 'skipped' }), none)).toBe('fail');
    expect(overallStatus(with_({ stun: 'warn', turnUdp: 'skipped', turnTcp: 'skipped' }), noTurn)).toBe('warn');
    expect(overallStatus(with_({ stun: 'fail', turnUdp: 'skipped', turnTcp: 'skipped' }), noTurn)).toBe('fail');
    // Offered but reported skipped (the page could not reach us): not shown to work, so not a pass.
    expect(overallStatus(with_({ stun: 'skipped', turnUdp: 'skipped', turnTcp: 'skipped' }), noTurn)).toBe('warn');
  });
  it("reads the site's setup from its ICE settings; TURN counts only with its secret", () => {
    expect(checkSetupOf({ stunUrls: [], turnUrls: [], turnSecret: undefined })).toEqual(none);
    expect(checkSetupOf({ stunUrls: ['stun:a'], turnUrls: ['turn:a?transport=udp'], turnSecret: undefined })).toEqual(noTurn);
    expect(checkSetupOf({ stunUrls: [], turnUrls: ['turn:a?transport=tcp'], turnSecret: 's' })).toEqual({ stun: false, turnUdp: false, turnTcp: true });
  });
});

describe('report ids', () => {
  it('formats 8 characters of the unambiguous alphabet as two groups of four', () => {
    expect(formatReportId([0, 1, 2, 3, 4, 5, 6, 30])).toBe('2345-678Z');
    expect(REPORT_ID_ALPHABET).not.toMatch(/[01IOL]/);
  });
  it('accepts any case, spaces or a missing dash, and refuses anything else', () => {
    expect(normaliseReportId('k7q4-m2xa')).toBe('K7Q4-M2XA');
    expect(normaliseReportId('K7Q4M2XA')).toBe('K7Q4-M2XA');
    expect(normaliseReportId(' k7q4 m2xa ')).toBe('K7Q4-M2XA');
    expect(normaliseReportId('K7Q4-M2X')).toBeNull();
    expect(normaliseReportId('K7Q4-M2XO')).toBeNull();
    expect(normaliseReportId('K7Q4-M2XA1')).toBeNull();
  });
});

describe('TURN URLs by transport', () => {
  it('puts transport=tcp and turns: under TCP, the rest under UDP', () => {
    expect(splitTurnUrls(['turn:h:3478?transport=udp', 'turn:h:3478?transport=tcp', 'turn:h:3479', 'turns:h:5349'])).toEqual({
      udpUrls: ['turn:h:3478?transport=udp', 'turn:h:3479'],
      tcpUrls: ['turn:h:3478?transport=tcp', 'turns:h:5349'],
    });
  });
});
