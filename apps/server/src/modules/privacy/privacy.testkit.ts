import type { RoomAck } from '@tutorline/contracts';
import { fromBuffer, type Entry } from 'yauzl';
import type { TestSocket } from '../../../test/sockets';

/** Test support for the privacy suites (#20): a raw download (the body is a ZIP, not text) and an unzip into memory. */
export async function download(url: string, cookie = '') {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: body.toString('utf8') };
}

/** Every entry of a ZIP by name. */
export function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      file.on('entry', (entry: Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
          stream.on('error', reject);
        });
      });
      file.on('end', () => resolve(out));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back from a ZIP: the tests' expectations check its shape
export const jsonOf = (files: Map<string, Buffer>, name: string): any => {
  const data = files.get(name);
  if (!data) throw new Error(`${name} is not in the export (has ${[...files.keys()].join(', ')})`);
  return JSON.parse(data.toString('utf8'));
};

/** The log lines that mention a word (for a failure's message). */
export const logLines = (logs: string, word: string) =>
  logs
    .split('\n')
    .filter((l) => l.includes(word))
    .join('\n');

export const DAY = 86_400_000;

/** Billing as production has it, so a paid plan, its ledger and the entitlement are part of a user's data. */
export const billingOn = { commissionBps: 2000, payoutHoldDays: 7, payoutMinMinor: { INR: 50000 }, enforceEntitlements: true };

/** A monthly plan of 5 questions in INR and USD, with its own id per suite. */
export const monthlyPlan = (id: string, name: string) => ({
  id,
  name,
  kind: 'subscription',
  questions: 5,
  trialDays: 0,
  graceDays: 3,
  prices: [
    { currency: 'INR', amountMinor: 19900 },
    { currency: 'USD', amountMinor: 499 },
  ],
});

/** A clock the suite moves by hand. */
export class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> } };
/** A room event with its acknowledgement (5 s). */
export const ask = <T = object>(socket: TestSocket, event: string, payload: unknown): Promise<RoomAck<T>> => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload) as Promise<RoomAck<T>>;
