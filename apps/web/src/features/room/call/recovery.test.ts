import { describe, expect, it } from 'vitest';
import { callState, nextRecoveryStep, otherRestartedCall, RECOVERY, recoveredHow, sdpSessionId } from './recovery';

describe('nextRecoveryStep', () => {
  it('restarts ICE a few times, then rebuilds the peer connection', () => {
    expect(nextRecoveryStep({ restarts: 0, recreates: 0 })).toEqual({ action: 'restart-ice', shownAs: 'reconnecting' });
    expect(nextRecoveryStep({ restarts: RECOVERY.restartsBeforeRecreate - 1, recreates: 0 }).action).toBe('restart-ice');
    expect(nextRecoveryStep({ restarts: RECOVERY.restartsBeforeRecreate, recreates: 0 })).toEqual({ action: 'recreate', shownAs: 'reconnecting' });
  });
  it('shows failed once rebuilding has not helped either (and keeps trying)', () => {
    expect(nextRecoveryStep({ restarts: RECOVERY.restartsBeforeRecreate, recreates: RECOVERY.recreatesBeforeFailed })).toEqual({ action: 'recreate', shownAs: 'failed' });
    expect(nextRecoveryStep({ restarts: 0, recreates: RECOVERY.recreatesBeforeFailed + 1 })).toEqual({ action: 'restart-ice', shownAs: 'failed' });
  });
});

describe('recoveredHow', () => {
  it('names the strongest step that was needed', () => {
    expect(recoveredHow({ restarts: 0, recreates: 0 })).toBe('by-itself');
    expect(recoveredHow({ restarts: 2, recreates: 0 })).toBe('ice-restart');
    expect(recoveredHow({ restarts: 1, recreates: 1 })).toBe('renegotiation');
  });
});

describe('callState', () => {
  const base = { otherPresent: true, mediaConnected: false, everConnected: false, failed: false };
  it('follows presence and media', () => {
    expect(callState({ ...base, otherPresent: false })).toBe('waiting');
    expect(callState(base)).toBe('connecting');
    expect(callState({ ...base, mediaConnected: true, everConnected: true })).toBe('connected');
    expect(callState({ ...base, everConnected: true })).toBe('reconnecting');
    expect(callState({ ...base, everConnected: true, failed: true })).toBe('failed');
  });
  it('stays connected while media flows even if the other socket dropped', () => {
    expect(callState({ ...base, otherPresent: false, mediaConnected: true, everConnected: true })).toBe('connected');
  });
});

describe('sdpSessionId', () => {
  it('reads the o= line', () => {
    expect(sdpSessionId('v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n')).toBe('4611731400430051336');
    expect(sdpSessionId('v=0\r\ns=-\r\n')).toBeNull();
    expect(sdpSessionId(undefined)).toBeNull();
  });
});

describe('otherRestartedCall', () => {
  it('is true when they left after our connection connected and came back with a call that never connected', () => {
    expect(otherRestartedCall({ theirConnection: 'connecting', pcConnectedAt: 1_000, otherAbsentSince: 5_000 })).toBe(true);
    expect(otherRestartedCall({ theirConnection: 'waiting', pcConnectedAt: 1_000, otherAbsentSince: 5_000 })).toBe(true);
  });
  it('is false for a socket blip (their call is still connected or repairing itself), before we connected, or for an absence older than our connection', () => {
    expect(otherRestartedCall({ theirConnection: 'connected', pcConnectedAt: 1_000, otherAbsentSince: 5_000 })).toBe(false);
    expect(otherRestartedCall({ theirConnection: 'reconnecting', pcConnectedAt: 1_000, otherAbsentSince: 5_000 })).toBe(false);
    expect(otherRestartedCall({ theirConnection: 'connecting', pcConnectedAt: null, otherAbsentSince: 5_000 })).toBe(false);
    // The first connection: their state still says 'connecting' for a moment after ours connected.
    expect(otherRestartedCall({ theirConnection: 'connecting', pcConnectedAt: 5_000, otherAbsentSince: 1_000 })).toBe(false);
    expect(otherRestartedCall({ theirConnection: undefined, pcConnectedAt: 1_000, otherAbsentSince: 5_000 })).toBe(false);
  });
});
