import { fromBuffer, type Entry } from 'yauzl';

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
