import * as Y from 'yjs';

/**
 * Images on the board. Excalidraw keeps an image's bytes apart from its element, as a dataURL per file id; a photo
 * as a dataURL is far over the 60 KB a board update may carry, so the doc's Y.Map 'files' holds only where to fetch
 * it: file id → { id, mimeType, url, created }, url being an authorised same-origin path. Every client fetches the
 * file itself and hands Excalidraw a dataURL it made locally.
 */
export interface BoardFileRecord {
  id: string;
  mimeType: string;
  url: string;
  /** Epoch milliseconds. */
  created: number;
}

/** What the binding needs from the editor. */
export interface BoardFileSink {
  has(id: string): boolean;
  add(file: BoardFileRecord & { dataURL: string }): void;
}

/** Fetches a same-origin url and returns it as a dataURL. */
export type LoadDataUrl = (url: string) => Promise<string>;

/**
 * The url as an absolute same-origin URL, or null: a participant could put anything in the doc, and we fetch it
 * with our cookies.
 */
export function sameOriginUrl(url: string, origin: string): string | null {
  try {
    const parsed = new URL(url, origin);
    return parsed.origin === origin ? parsed.href : null;
  } catch {
    return null;
  }
}

export class BoardFiles {
  private readonly files: Y.Map<BoardFileRecord>;
  private readonly loading = new Set<string>();
  private destroyed = false;

  constructor(
    doc: Y.Doc,
    private readonly sink: BoardFileSink,
    private readonly load: LoadDataUrl,
    private readonly origin: string,
  ) {
    this.files = doc.getMap<BoardFileRecord>('files');
    this.files.observe(this.loadMissing);
    this.loadMissing();
  }

  /** Shares a file the editor already holds, so the other clients fetch it too. */
  share(record: BoardFileRecord): void {
    if (this.files.get(record.id)?.url !== record.url) this.files.set(record.id, record);
  }

  destroy(): void {
    this.destroyed = true;
    this.files.unobserve(this.loadMissing);
  }

  /** Loads every file the editor lacks; a failed one is tried again on the next change to the map. */
  private readonly loadMissing = () => {
    for (const record of this.files.values()) {
      if (this.loading.has(record.id) || this.sink.has(record.id)) continue;
      const url = sameOriginUrl(record.url, this.origin);
      if (!url) {
        console.warn(`board file ${record.id} is not same-origin; ignored`);
        continue;
      }
      this.loading.add(record.id);
      this.load(url)
        .then((dataURL) => {
          if (!this.destroyed) this.sink.add({ ...record, dataURL });
        })
        .catch((error: unknown) => console.warn(`board file ${record.id} did not load`, error))
        .finally(() => this.loading.delete(record.id));
    }
  };
}
