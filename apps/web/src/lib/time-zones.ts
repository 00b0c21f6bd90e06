import { browserTimeZone, isKnownTimeZone } from './format';

/**
 * Browsers list zones by their CLDR names, some of which are IANA's old ones (Chromium says "Asia/Calcutta").
 * We show and send the current IANA names, which every runtime also accepts.
 */
const currentNames: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

function currentName(zone: string): string {
  const name = currentNames[zone];
  return name && isKnownTimeZone(name) ? name : zone;
}

/** The browser's IANA zone, or UTC when the browser reports none or an unusable one. */
export function detectTimeZone(): string {
  const zone = browserTimeZone();
  return zone && isKnownTimeZone(zone) ? currentName(zone) : 'UTC';
}

/** IANA zones grouped by region ("Asia", "Europe", ...), always including `extra` (e.g. a saved or detected zone). */
export function timeZoneGroups(...extra: string[]): [region: string, zones: string[]][] {
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = new Set<string>(listed.map(currentName));
  all.add('UTC');
  for (const zone of extra) if (zone) all.add(zone);
  const groups = new Map<string, string[]>();
  for (const zone of [...all].sort()) {
    const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')) : 'Other';
    const list = groups.get(region) ?? [];
    list.push(zone);
    groups.set(region, list);
  }
  return [...groups.entries()];
}
