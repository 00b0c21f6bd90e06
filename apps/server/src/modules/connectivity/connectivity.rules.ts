import type { ConnectivityReportBody } from '@tutorline/contracts';
import { type CheckSetup, type CheckVerdict, connectivityVerdict, FULL_CHECK_SETUP } from '@tutorline/contracts/plain';

/** Pure decisions of the /check self-test: no I/O; randomness is passed in. */

/** No 0/O, 1/I/L: a child reads the code aloud or types it from a phone screen. */
export const REPORT_ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const REPORT_ID_LENGTH = 8;

/** Turns 8 indexes into the alphabet into an id such as "K7Q4-M2XA". */
export function formatReportId(indexes: readonly number[]): string {
  const chars = indexes.map((i) => REPORT_ID_ALPHABET[i]!).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** What a user typed or read out ("k7q4 m2xa", "K7Q4M2XA") → the stored form, or null when it cannot be a report id. */
export function normaliseReportId(input: string): string | null {
  const chars = input.toUpperCase().replace(/[\s\-_.]/g, '');
  if (chars.length !== REPORT_ID_LENGTH) return null;
  for (const c of chars) if (!REPORT_ID_ALPHABET.includes(c)) return null;
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/**
 * The stored verdict of a self-test (connectivityVerdict, shared with the page): what the site does not offer (`setup`,
 * from its own configuration) is never counted against the user's network.
 */
export function overallStatus(r: ConnectivityReportBody, setup: CheckSetup = FULL_CHECK_SETUP): CheckVerdict {
  const statuses = { camera: r.camera.status, microphone: r.microphone.status, speaker: r.speaker.status, stun: r.stun.status, turnUdp: r.turnUdp.status, turnTcp: r.turnTcp.status };
  return connectivityVerdict({ ...statuses, uploadKbps: r.uploadKbps, downloadKbps: r.downloadKbps }, setup);
}

/** What a site with these ICE settings offers calls; TURN needs its secret as well as URLs. */
export function checkSetupOf(ice: { stunUrls: readonly string[]; turnUrls: readonly string[]; turnSecret: string | undefined }): CheckSetup {
  const turn = ice.turnSecret ? splitTurnUrls(ice.turnUrls) : { udpUrls: [], tcpUrls: [] };
  return { stun: ice.stunUrls.length > 0, turnUdp: turn.udpUrls.length > 0, turnTcp: turn.tcpUrls.length > 0 };
}

/**
 * Splits TURN URLs by transport, so the page can test each on its own.
 * "turn:h:p" without a transport is UDP; "turns:" runs over TLS, i.e. TCP.
 */
export function splitTurnUrls(urls: readonly string[]): { udpUrls: string[]; tcpUrls: string[] } {
  const udpUrls: string[] = [];
  const tcpUrls: string[] = [];
  for (const url of urls) {
    const transport = /[?&]transport=(udp|tcp)\b/i.exec(url)?.[1]?.toLowerCase();
    if (url.toLowerCase().startsWith('turns:') || transport === 'tcp') tcpUrls.push(url);
    else udpUrls.push(url);
  }
  return { udpUrls, tcpUrls };
}
