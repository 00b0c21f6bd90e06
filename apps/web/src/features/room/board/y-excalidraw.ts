import * as Y from 'yjs';

/**
 * Binds an Excalidraw scene to a Yjs document, without React or Excalidraw itself (the component passes an adapter).
 *
 * The doc holds a Y.Map 'elements': element id → the element as plain JSON. Whole elements rather than nested Y.Maps,
 * because Excalidraw's unit of change is the element: every edit bumps its `version` and picks a new random
 * `versionNonce`, and its collaboration rule keeps the higher version (the lower nonce on a tie). Field-level merging
 * would produce elements that match neither version (an arrow's points from one edit, its bindings from the other).
 * Deletions are edits too (`isDeleted: true`), so keys are never removed.
 *
 * Two docs always converge: Yjs settles concurrent writes of one key the same way everywhere. When it settles on the
 * copy that Excalidraw's rule says is older, the side holding the newer one writes it again, so both end on that.
 */

/** The fields the binding reads; everything else in an element travels untouched. */
export interface BoardElement {
  readonly id: string;
  readonly version: number;
  readonly versionNonce: number;
  readonly isDeleted: boolean;
  /** Fractional index: the scene's order is by this string, then by id. */
  readonly index: string | null;
}

/** What the binding needs from the editor; the component implements it over ExcalidrawImperativeAPI. */
export interface BoardScene {
  /** Every element, deleted ones included, in scene order. */
  getElements(): readonly BoardElement[];
  /** Replaces the elements, outside the local undo history (a remote edit is not the user's to undo). */
  replaceElements(elements: BoardElement[]): void;
  /** True while the user is typing into, resizing or drawing this element: a remote copy must not yank it away. */
  isEditing(id: string): boolean;
}

export interface BoardBindingOptions {
  /** Observers see the board but never write to it. */
  readOnly?: boolean;
  /**
   * Local edits are written at most this often. A drag fires onChange every frame; the server admits 40 room messages a
   * second per socket (ROOM_LIMITS.messagesPerSecond), shared with chat and call signaling.
   */
  flushDelayMs?: number;
}

/**
 * Budget of element JSON per transaction: one transaction is one update sent to the server, which refuses updates over
 * ROOM_LIMITS.boardUpdateBytes (60 KB). Yjs encodes JSON values at most about as large as their text, so a paste of
 * many elements goes out as several updates under the limit.
 */
const TRANSACTION_JSON_CHARS = 40_000;

/** Excalidraw's rule (data/reconcile.ts): the higher version wins; on a tie, the lower versionNonce. */
export function isNewer(a: Pick<BoardElement, 'version' | 'versionNonce'>, b: Pick<BoardElement, 'version' | 'versionNonce'>): boolean {
  return a.version > b.version || (a.version === b.version && a.versionNonce < b.versionNonce);
}

/** Scene order as Excalidraw keeps it: by fractional index, then id; elements without an index keep their place at the end. */
export function orderElements<E extends BoardElement>(elements: E[]): E[] {
  const indexed = elements.filter((e) => e.index !== null);
  const unindexed = elements.filter((e) => e.index === null);
  indexed.sort((a, b) => (a.index! < b.index! ? -1 : a.index! > b.index! ? 1 : a.id < b.id ? -1 : 1));
  return [...indexed, ...unindexed];
}

/** A version stamp: an element whose stamp equals the one last seen in the doc has nothing new to write. */
function stampOf(e: Pick<BoardElement, 'version' | 'versionNonce'>): string {
  return `${e.version}:${e.versionNonce}`;
}

export class BoardBinding {
  private readonly elements: Y.Map<BoardElement>;
  /** Stamp of each element as the doc last held it (written by us or read from it): what is already shared. */
  private readonly shared = new Map<string, string>();
  /** Marks our own transactions, so the observer skips them. */
  private readonly origin = Symbol('board-binding');
  private readonly readOnly: boolean;
  private readonly flushDelayMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor(
    private readonly doc: Y.Doc,
    private readonly scene: BoardScene,
    options: BoardBindingOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    this.flushDelayMs = options.flushDelayMs ?? 75;
    this.elements = doc.getMap<BoardElement>('elements');
    this.elements.observe(this.onDocChange);
    // The doc may already hold the board (the room joined before the editor loaded); anything the scene had goes to it.
    this.pull([...this.elements.keys()]);
    this.flush();
  }

  /** Call from Excalidraw's onChange; it fires for selection and scrolling too, so writing is throttled and diffed. */
  sceneChanged(): void {
    if (this.readOnly || this.destroyed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.flushDelayMs);
  }

  /** Writes every element whose version differs from what the doc holds. */
  flush(): void {
    if (this.readOnly || this.destroyed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.write(this.scene.getElements().filter((e) => this.shared.get(e.id) !== stampOf(e)));
  }

  /** Writes what is pending and stops listening. */
  destroy(): void {
    if (this.destroyed) return;
    this.flush();
    this.destroyed = true;
    this.elements.unobserve(this.onDocChange);
  }

  private readonly onDocChange = (event: Y.YMapEvent<BoardElement>, transaction: Y.Transaction) => {
    if (transaction.origin === this.origin || this.destroyed) return;
    this.pull([...event.keysChanged]);
  };

  /** Merges the doc's copies of `ids` into the scene; where ours is newer, writes ours back. */
  private pull(ids: string[]): void {
    if (!ids.length) return;
    const scene = new Map(this.scene.getElements().map((e) => [e.id, e]));
    const ours: BoardElement[] = [];
    let changed = false;
    for (const id of ids) {
      const theirs = this.elements.get(id);
      if (!theirs) continue;
      this.shared.set(id, stampOf(theirs));
      const mine = scene.get(id);
      if (mine && stampOf(mine) === stampOf(theirs)) continue;
      if (mine && !this.readOnly && (isNewer(mine, theirs) || this.scene.isEditing(id))) {
        ours.push(mine);
        continue;
      }
      // A copy: Excalidraw mutates elements in place, and the doc's value must only change through a transaction.
      scene.set(id, plainCopy(theirs).value);
      changed = true;
    }
    if (changed) this.scene.replaceElements(orderElements([...scene.values()]));
    // Not while editing: the edit's own onChange writes it, throttled.
    this.write(ours.filter((e) => !this.scene.isEditing(e.id)));
  }

  private write(elements: readonly BoardElement[]): void {
    if (this.readOnly || !elements.length) return;
    let batch: BoardElement[] = [];
    let chars = 0;
    const commit = () => {
      if (!batch.length) return;
      const items = batch;
      this.doc.transact(() => {
        for (const e of items) this.elements.set(e.id, e);
      }, this.origin);
      batch = [];
      chars = 0;
    };
    for (const element of elements) {
      // A plain JSON copy: the scene keeps mutating its own object after this.
      const { value, chars: size } = plainCopy(element);
      if (chars + size > TRANSACTION_JSON_CHARS) commit();
      batch.push(value);
      chars += size;
      this.shared.set(element.id, stampOf(element));
    }
    commit();
  }
}

function plainCopy<E extends BoardElement>(element: E): { value: E; chars: number } {
  const json = JSON.stringify(element);
  return { value: JSON.parse(json) as E, chars: json.length };
}
