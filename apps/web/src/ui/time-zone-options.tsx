import { useMemo } from 'react';
import { zoneOptionLabel } from '../lib/format';
import { timeZoneGroups } from '../lib/time-zones';

/** The <optgroup>s of IANA zones by region for a time-zone <select>, always including `current`: "New York · Eastern Time", by name. */
export function TimeZoneOptions({ current }: { current: string }) {
  const groups = useMemo(() => timeZoneGroups(current).map(([region, zones]) => [region, zones.map((zone) => [zone, zoneOptionLabel(zone)] as const).sort((a, b) => a[1].localeCompare(b[1]))] as const), [current]);
  return (
    <>
      {groups.map(([region, zones]) => (
        <optgroup label={region} key={region}>
          {zones.map(([zone, label]) => (
            <option value={zone} key={zone} title={zone}>
              {label}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}
