import { zoneName } from '../lib/format';

/**
 * A time zone as people say it ("New York time", or just "New York" with `city`), with its generic and IANA names on
 * hover. Every page that shows a zone shows it through this.
 */
export function ZoneName({ zone, city = false }: { zone: string; city?: boolean }) {
  const name = zoneName(zone);
  return (
    <span className="zone-name" title={name.title} data-zone={zone}>
      {city ? name.city : name.label}
    </span>
  );
}
