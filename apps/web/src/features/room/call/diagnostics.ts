import type { Diagnostics } from '@tutorline/contracts';

/** The parts of navigator.userAgentData we read (Chromium only). */
export interface UserAgentHints {
  mobile?: boolean;
  platform?: string;
}

/** A simple reading of the user agent for support: which browser, system and kind of device a call ran on. */
export function describeDevice(userAgent: string, hints?: UserAgentHints): Diagnostics {
  return { browser: browserOf(userAgent), os: osOf(userAgent, hints), device: deviceOf(userAgent, hints), userAgent: userAgent.slice(0, 512) };
}

// Order matters: Edge, Opera and Samsung Internet also say "Chrome"; Chrome also says "Safari".
const browsers: [RegExp, string][] = [
  [/EdgA?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/(?:HeadlessChrome|Chrome)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)(?:\.\d+)*.*Safari\//, 'Safari'],
];

function browserOf(ua: string): string {
  for (const [re, name] of browsers) {
    const m = re.exec(ua);
    if (m) return `${name} ${m[1]}`;
  }
  return 'Unknown';
}

function osOf(ua: string, hints?: UserAgentHints): string {
  let m: RegExpExecArray | null;
  if ((m = /Android (\d+(?:\.\d+)?)/.exec(ua))) return `Android ${m[1]}`;
  if ((m = /(?:iPhone|CPU) OS (\d+)_(\d+)/.exec(ua))) return `iOS ${m[1]}.${m[2]}`;
  if (/Windows/.test(ua)) return 'Windows';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Mac OS X/.test(ua)) return 'macOS';
  if (/Linux/.test(ua)) return 'Linux';
  return hints?.platform || 'Unknown';
}

function deviceOf(ua: string, hints?: UserAgentHints): Diagnostics['device'] {
  if (/iPad|Tablet/.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua))) return 'tablet';
  if (hints?.mobile || /iPhone|Mobile|Mobi/.test(ua)) return 'phone';
  if (/Windows|Mac OS X|CrOS|Linux|X11/.test(ua)) return 'desktop';
  return 'unknown';
}

/** This browser's own diagnostics (for a support report), read where it runs. */
export function thisDevice(): Diagnostics {
  return describeDevice(navigator.userAgent, (navigator as Navigator & { userAgentData?: UserAgentHints }).userAgentData);
}
