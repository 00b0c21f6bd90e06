/**
 * `node --import tsx bench/load/capacity-table.ts [results.json]`: the capacity table of docs/CAPACITY.md, in Markdown,
 * from a peak run's figures (default bench/results/load-peak.json; bench/results/peak.json works too). The arithmetic
 * is bench/support/capacity.ts, unit-tested.
 */
import fs from 'node:fs';
import path from 'node:path';
import { benchDir } from '../lib';
import { capacityRow, defaultAssumptions as a, limits, type MeasuredFigures } from '../support/capacity';

const file = process.argv[2] ?? path.join(benchDir, 'results', 'load-peak.json');
if (!fs.existsSync(file)) {
  process.stderr.write(`No figures at ${file}: run \`npm run load -- peak\` (or \`npm run bench -- peak\`) first.\n`);
  process.exit(2);
}
const f = JSON.parse(fs.readFileSync(file, 'utf8')) as MeasuredFigures & { machine?: { date?: string; loadAvgAtStart?: number[] } };
const rows = [30_000, 300_000, 3_000_000].map((s) => capacityRow(f, s));
const n = (x: number) => x.toLocaleString('en-US');
const line = (label: string, cell: (r: (typeof rows)[number]) => string) => `| ${label} | ${rows.map(cell).join(' | ')} |`;
const out = [
  `From ${path.relative(process.cwd(), file)} (measured ${f.machine?.date ?? 'unknown'}, load average at start ${f.machine?.loadAvgAtStart?.join(' ') ?? '?'}).`,
  '',
  '| | 30,000 students | 300,000 students | 3,000,000 students |',
  '| --- | ---: | ---: | ---: |',
  line('tutors / sockets at the peak', (r) => `${n(r.tutors)} / ${n(r.sockets)}`),
  line('sessions a day / questions a second at the peak', (r) => `${n(r.sessionsPerDay)} / ${r.peakQuestionsPerSecond}`),
  line('node CPU at the peak (cores)', (r) => String(r.nodeCores)),
  line(`nodes (CPU at ${a.nodeCoreBudget} core each / memory at ${a.nodeSocketMemMiB} MiB of sockets each / at least ${a.minNodes})`, (r) => `**${r.nodes}** (${r.nodesForCpu} / ${r.nodesForMemory})`),
  line('PostgreSQL connections (nodes × pool)', (r) => n(r.pgConnections)),
  line(`PostgreSQL cores (at ${a.postgresUtilisation * 100}% busy)`, (r) => String(r.pgCores)),
  line(`PostgreSQL size (users + ${a.historyDays} days of sessions), GiB`, (r) => String(r.dbGiB)),
  line(`question photos (${a.photoDays} days), GiB`, (r) => String(r.photoGiB)),
  line(`Janus: forwarded streams (${a.groupClassShare * 100}% of students in a group class) / cores at ${a.janusUtilisation * 100}%`, (r) => `${n(r.janusStreams)} / ${r.janusCores}`),
  line(`HAProxy frontends at maxconn ${a.haproxyMaxconn}`, (r) => String(r.haproxyFrontends)),
  '',
  'What breaks first, as student counts (everything else scaled as measured):',
  '',
  ...limits(f).map((l, i) => `${i + 1}. ${l.what}: at about ${n(l.atStudents)} students`),
];
console.log(out.join('\n'));
