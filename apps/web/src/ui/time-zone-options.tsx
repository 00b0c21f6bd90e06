import { useMemo } from 'react';
import { timeZoneGroups, timeZoneLabel } from '../lib/time-zones';

/** The <optgroup>s of IANA zones by region for a time-zone <select>, always including `current`. */
export function TimeZoneOptions({ current }: { current: string }) {
  const groups = useMemo(() => timeZoneGroups(current), [current]);
  return (
    <>
      {groups.map(([region, zones]) => (
        <optgroup label={region} key={region}>
          {zones.map((zone) => (
            <option value={zone} key={zone}>
              {timeZoneLabel(zone)}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}
