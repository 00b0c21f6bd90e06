/**
 * Students 4 to 30 of a full class (issue #15): headless WebRTC clients (werift) in a process of their own, joining
 * through the same socket events as the web app. Their SRTP runs in JavaScript; in the test's own process it would
 * starve the server's event loop, which is not how a class of phones loads it.
 *
 * Input (env CROWD): { baseUrl, classId, hostAddress, teacherId, learners: [{ name, cookie }] }.
 * Output, one JSON line each: { type: 'joined', name, ms } per student, { type: 'ready' } when all receive the
 * teacher's video, then { type: 'packets', video: number[] } every second; { type: 'error', message } and exit 1 on
 * a failure. SIGTERM closes every connection and exits.
 */
import { joinClass } from '../apps/server/src/modules/classroom/classroom.testkit';
import { receiveOverSocket, type SocketReceiver } from '../apps/server/test/class-media-clients';
import { SocketPool } from '../apps/server/test/sockets';
import { waitFor } from '../apps/server/test/webrtc-clients';

interface Crowd {
  baseUrl: string;
  classId: string;
  hostAddress: string;
  teacherId: string;
  learners: { name: string; cookie: string }[];
}

const crowd = JSON.parse(process.env.CROWD ?? '{}') as Crowd;
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sockets = new SocketPool();
const receivers: SocketReceiver[] = [];
let ticker: NodeJS.Timeout | null = null;

async function stop(code: number) {
  if (ticker) clearInterval(ticker);
  for (const r of receivers) await r.stop().catch(() => undefined);
  sockets.closeAll();
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));

async function joinOne(l: { name: string; cookie: string }) {
  const began = performance.now();
  const at = (what: string) => `${l.name}: ${what} at ${Math.round(performance.now() - began)} ms`;
  const { socket } = await sockets.connect(crowd.baseUrl, l.cookie);
  const joined = await joinClass(socket, crowd.classId);
  if (!joined.ok) throw new Error(at(`class:join refused: ${JSON.stringify(joined)}`));
  const r = await receiveOverSocket(socket, crowd.classId, crowd.hostAddress).catch((e: unknown) => Promise.reject(new Error(at(`receiving: ${String(e)}`))));
  receivers.push(r);
  if (!r.streams.some((s) => s.kind === 'video' && s.userId === crowd.teacherId)) throw new Error(at("the server's offer has no teacher video"));
  await waitFor(`${l.name} to receive the teacher's video`, () => r.packets.video > 0, 60_000);
  say({ type: 'joined', name: l.name, ms: Math.round(performance.now() - began) });
}

try {
  // Three at a time, as a class fills in the minute before it starts.
  for (let i = 0; i < crowd.learners.length; i += 3) await Promise.all(crowd.learners.slice(i, i + 3).map(joinOne));
  say({ type: 'ready' });
  ticker = setInterval(() => say({ type: 'packets', video: receivers.map((r) => r.packets.video) }), 1_000);
} catch (e) {
  say({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  await stop(1);
}
