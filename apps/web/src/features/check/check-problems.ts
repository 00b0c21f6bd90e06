import type { StepId } from './check-steps';

/**
 * Every problem /check can report, with the tip that goes with it. A step reports a problem only through `problem()`,
 * which takes the tip from here, so no problem can reach the page without one (check-problems.test.ts goes through
 * every kind). `detail` is what we saw, in plain words; it may be replaced by something more precise at the call.
 */
interface ProblemSpec {
  step: StepId;
  status: 'warn' | 'fail';
  detail: string;
  tip: string;
}

const deviceProblems = (device: 'camera' | 'microphone') =>
  ({
    denied: { step: device, status: 'fail', detail: `Permission to use the ${device} was refused.`, tip: `Tap the lock or camera icon next to the web address, allow the ${device}, then run the test again.` },
    missing: { step: device, status: 'fail', detail: `No ${device} was found.`, tip: `Check that this device has a ${device}, or plug one in.` },
    busy: { step: device, status: 'fail', detail: `The ${device} is busy or not working.`, tip: `Close other apps that may be using the ${device} (video calls, camera app), then try again.` },
    failed: { step: device, status: 'fail', detail: `The ${device} could not start.`, tip: 'Restart your browser and try again. If it still fails, try another browser such as Chrome.' },
    insecure: { step: device, status: 'fail', detail: `This browser cannot use the ${device} here.`, tip: 'Open Tutorline with its https:// address to use the camera and microphone.' },
    unsupported: { step: device, status: 'fail', detail: `This browser cannot use the ${device} here.`, tip: 'Update your browser, or try Chrome.' },
  }) as const satisfies Record<string, ProblemSpec>;
const camera = deviceProblems('camera');
const microphone = deviceProblems('microphone');

const speedProblems = (direction: 'upload' | 'download') =>
  ({
    slow: { step: direction, status: 'warn', detail: `Your ${direction} is slow.`, tip: `Your ${direction} is slow: voice calls will work, but video will be small or turned off.` },
    tooSlow: { step: direction, status: 'fail', detail: `Your ${direction} is too slow for calls.`, tip: `Your ${direction} is too slow for calls. Move closer to the Wi-Fi router, or try mobile data.` },
    failed: { step: direction, status: 'fail', detail: `The ${direction} test could not reach Tutorline.`, tip: 'Check that you are online, then run the test again.' },
  }) as const satisfies Record<string, ProblemSpec>;
const upload = speedProblems('upload');
const download = speedProblems('download');

export const problemCatalogue = {
  cameraDenied: camera.denied,
  cameraMissing: camera.missing,
  cameraBusy: camera.busy,
  cameraFailed: camera.failed,
  cameraInsecure: camera.insecure,
  cameraUnsupported: camera.unsupported,
  cameraNoPicture: { step: 'camera', status: 'warn', detail: 'The camera opened but sent no picture.', tip: 'Check nothing covers the camera, or close other apps using it.' },
  microphoneDenied: microphone.denied,
  microphoneMissing: microphone.missing,
  microphoneBusy: microphone.busy,
  microphoneFailed: microphone.failed,
  microphoneInsecure: microphone.insecure,
  microphoneUnsupported: microphone.unsupported,
  microphoneSilent: { step: 'microphone', status: 'warn', detail: "We couldn't hear you.", tip: 'Check the microphone is not muted or covered, then speak up. With headphones, check their microphone is plugged in.' },
  soundUnsupported: { step: 'microphone', status: 'fail', detail: 'This browser cannot process sound.', tip: 'Update your browser, or use Chrome.' },
  speakerNotHeard: { step: 'speaker', status: 'fail', detail: 'You did not hear the test sound.', tip: 'Turn the volume up, switch off silent mode, or check your headphones are plugged in.' },
  noWebRtc: { step: 'stun', status: 'fail', detail: 'This browser cannot make video calls (no WebRTC).', tip: 'Update your browser, or use Chrome.' },
  siteUnreachable: { step: 'stun', status: 'fail', detail: 'Could not reach Tutorline to start the network tests.', tip: 'Check that you are online, then run the test again.' },
  noAddress: { step: 'stun', status: 'fail', detail: 'Your browser found no network address for calls.', tip: 'Check that you are online, and that no VPN or firewall app blocks calls.' },
  directBlocked: { step: 'stun', status: 'warn', detail: "We could only see your device's own address, not your public one.", tip: 'Calls may not connect directly on this network. If a lesson does not connect, try another Wi-Fi, or mobile data.' },
  directBlockedRelayOk: { step: 'stun', status: 'warn', detail: "We could only see your device's own address, not your public one.", tip: 'Calls may not connect directly on this network, but our relay works, so calls will go through it.' },
  relayUdpBlocked: { step: 'turnUdp', status: 'fail', detail: 'Did not connect over UDP.', tip: "Your network blocks video calls over UDP; we'll use TCP, calls may lag." },
  relayTcpBlocked: { step: 'turnTcp', status: 'fail', detail: 'Did not connect over TCP.', tip: 'The backup way is blocked, but the fast way works, so calls should be fine.' },
  relayBlocked: { step: 'turnUdp', status: 'fail', detail: 'Did not connect through our relay.', tip: 'Your network blocks our video relay. Try another Wi-Fi, or mobile data. At school, ask the IT team to allow Tutorline.' },
  uploadSlow: upload.slow,
  uploadTooSlow: upload.tooSlow,
  uploadFailed: upload.failed,
  downloadSlow: download.slow,
  downloadTooSlow: download.tooSlow,
  downloadFailed: download.failed,
  /** A backstop: the verdict says calls may not work, yet no step named a problem. */
  callsUnproven: { step: 'stun', status: 'warn', detail: 'We could not show that calls can reach you.', tip: 'Run the check again. If this stays, try another Wi-Fi, or mobile data, before your lesson.' },
} as const satisfies Record<string, ProblemSpec>;

export type ProblemKind = keyof typeof problemCatalogue;
export const problemKinds = Object.keys(problemCatalogue) as ProblemKind[];

/** A step that found something wrong: always with its tip. */
export interface Problem {
  status: 'warn' | 'fail';
  kind: ProblemKind;
  detail: string;
  tip: string;
}
export interface Passed {
  status: 'pass';
  detail: string;
}
/** Not tested: because the site does not offer it (`bySite`, a note about the site), or this browser could not. */
export interface Skipped {
  status: 'skipped';
  detail: string;
  bySite: boolean;
}
/** What a finished step found. Only `problem()` makes a warn or a fail. */
export type CheckOutcome = Passed | Skipped | Problem;

export function problem(kind: ProblemKind, detail?: string): Problem {
  const spec: ProblemSpec = problemCatalogue[kind];
  return { status: spec.status, kind, detail: detail ?? spec.detail, tip: spec.tip };
}
export const passed = (detail: string): Passed => ({ status: 'pass', detail });
export const skipped = (detail: string, bySite = false): Skipped => ({ status: 'skipped', detail, bySite });

/** Which step a problem kind belongs to (relayBlocked is also shown on the TCP row). */
export const stepOfProblem = (kind: ProblemKind): StepId => problemCatalogue[kind].step;

export interface RelayTry {
  ok: boolean;
  ms: number | null;
  reason: string | null;
}

/**
 * The two relay rows decided together: what to do depends on which transports got through. `null` is a transport the
 * site does not offer.
 */
export function relayOutcomes(udp: RelayTry | null, tcp: RelayTry | null): { turnUdp: CheckOutcome; turnTcp: CheckOutcome } {
  const worked = (t: RelayTry | null) => t !== null && t.ok;
  const one = (t: RelayTry | null, transport: 'UDP' | 'TCP', other: RelayTry | null): CheckOutcome => {
    if (t === null) return skipped(`This site has no relay over ${transport}.`, true);
    if (t.ok) return passed(`Works: connected in ${t.ms} ms.`);
    const detail = `Did not connect over ${transport}: ${t.reason ?? 'no answer'}.`;
    if (worked(other)) return problem(transport === 'UDP' ? 'relayUdpBlocked' : 'relayTcpBlocked', detail);
    return problem('relayBlocked', detail);
  };
  return { turnUdp: one(udp, 'UDP', tcp), turnTcp: one(tcp, 'TCP', udp) };
}

/** Only a local address seen: what that means depends on whether our relay got through. */
export function directOutcome(stun: CheckOutcome, relayWorks: boolean): CheckOutcome {
  if (stun.status !== 'warn' || (stun.kind !== 'directBlocked' && stun.kind !== 'directBlockedRelayOk')) return stun;
  return problem(relayWorks ? 'directBlockedRelayOk' : 'directBlocked', stun.detail);
}
