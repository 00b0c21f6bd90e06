import type { OpsSummary } from '@tutorline/contracts';
import { formatNumber } from '../../lib/format';
import { BarChart } from './bar-chart';
import { ChartFrame } from './chart-frame';

const NETWORK_WORDS: Record<string, string> = {
  'network:direct': 'direct (STUN)',
  'network:relay-udp': 'relay only, UDP',
  'network:relay-tcp': 'relay only, TCP',
  'network:blocked': 'nothing got through',
  'network:untested': 'not tested',
};
const nameOf = (split: string) => NETWORK_WORDS[split] ?? split.replace(/^device:/, 'device: ');
const share = (n: number, total: number) => (total ? `${formatNumber((n / total) * 100, { maximumFractionDigits: 0 })} %` : '–');

/** Today's /check reports by network path and device, with how many passed: the "is it their network?" tile (#18). */
export function ChecksChart({ checks }: { checks: OpsSummary['calls']['checks'] }) {
  return (
    <ChartFrame
      title="/check results today by network"
      name="check-results"
      table={{ columns: ['split', 'reports', 'pass', 'warn', 'fail', 'skipped'], rows: checks.map((c) => [c.split, c.total, c.pass, c.warn, c.fail, c.skipped]) }}
    >
      <BarChart
        label="Self-test reports today by network path and device, with the share that passed"
        bars={checks.map((c) => ({ name: nameOf(c.split), value: c.total, note: `(${share(c.pass, c.total)} pass, ${formatNumber(c.fail)} fail)` }))}
      />
    </ChartFrame>
  );
}
