import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { BoardBinding, type BoardElement, type BoardScene, isNewer, orderElements } from './y-excalidraw';

interface TestElement extends BoardElement {
  x: number;
}

/** Stands in for Excalidraw: holds elements, counts replacements, and edits the way Excalidraw does (new version, random nonce). */
class FakeScene implements BoardScene {
  elements: TestElement[] = [];
  editing = new Set<string>();
  replacements = 0;
  private nonce = 1;

  constructor(private readonly name: string) {}

  getElements = () => this.elements;
  replaceElements = (elements: BoardElement[]) => {
    this.elements = elements as TestElement[];
    this.replacements++;
  };
  isEditing = (id: string) => this.editing.has(id);

  add(id: string, index: string, x = 0): void {
    this.elements = [...this.elements, { id, index, x, version: 1, versionNonce: this.nextNonce(), isDeleted: false }];
  }
  edit(id: string, patch: Partial<TestElement>): void {
    this.elements = this.elements.map((e) => (e.id === id ? { ...e, ...patch, version: e.version + 1, versionNonce: this.nextNonce() } : e));
  }
  remove(id: string): void {
    this.edit(id, { isDeleted: true });
  }
  get(id: string): TestElement | undefined {
    return this.elements.find((e) => e.id === id);
  }
  /** What a user sees, in order: the comparison for convergence. */
  view() {
    return this.elements.map((e) => `${e.id}@${e.index} v${e.version}/${e.versionNonce} x=${e.x}${e.isDeleted ? ' deleted' : ''}`);
  }
  private nextNonce() {
    // Distinct per side, like Excalidraw's random nonces.
    return this.nonce++ * 1000 + this.name.charCodeAt(0);
  }
}

const WIRE = Symbol('wire');

/** Two or more docs joined by a network that can be held (offline) and released; like REMOTE_ORIGIN, WIRE marks arrivals. */
function network() {
  const docs: Y.Doc[] = [];
  const queue: { to: Y.Doc; update: Uint8Array }[] = [];
  let held = false;
  const sent = new Map<Y.Doc, number>();
  return {
    join(doc: Y.Doc) {
      docs.push(doc);
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === WIRE) return;
        sent.set(doc, (sent.get(doc) ?? 0) + 1);
        for (const other of docs) if (other !== doc) queue.push({ to: other, update });
        if (!held) this.deliver();
      });
    },
    hold() {
      held = true;
    },
    /** Delivers everything queued (in reverse when asked, to show order does not matter), including what that triggers. */
    deliver(reverse = false) {
      held = false;
      while (queue.length) {
        const batch = queue.splice(0, queue.length);
        if (reverse) batch.reverse();
        for (const { to, update } of batch) Y.applyUpdate(to, update, WIRE);
      }
    },
    /** Updates a doc sent (its own edits, not arrivals). */
    sentBy(doc: Y.Doc) {
      return sent.get(doc) ?? 0;
    },
  };
}

function side(name: string, net: ReturnType<typeof network>, options: { readOnly?: boolean } = {}) {
  const doc = new Y.Doc();
  net.join(doc);
  const scene = new FakeScene(name);
  const binding = new BoardBinding(doc, scene, options);
  bindings.push(binding);
  return { doc, scene, binding };
}

const bindings: BoardBinding[] = [];
afterEach(() => {
  for (const b of bindings.splice(0)) b.destroy();
  vi.useRealTimers();
});

describe('isNewer and orderElements', () => {
  it('prefers the higher version, then the lower nonce', () => {
    expect(isNewer({ version: 3, versionNonce: 9 }, { version: 2, versionNonce: 1 })).toBe(true);
    expect(isNewer({ version: 2, versionNonce: 1 }, { version: 2, versionNonce: 9 })).toBe(true);
    expect(isNewer({ version: 2, versionNonce: 9 }, { version: 2, versionNonce: 1 })).toBe(false);
    expect(isNewer({ version: 2, versionNonce: 1 }, { version: 2, versionNonce: 1 })).toBe(false);
  });

  it('orders by fractional index, then id, unindexed last in their order', () => {
    const el = (id: string, index: string | null) => ({ id, index, version: 1, versionNonce: 1, isDeleted: false });
    const ordered = orderElements([el('u2', null), el('b', 'a1'), el('a', 'a1'), el('c', 'a0'), el('u1', null)]);
    expect(ordered.map((e) => e.id)).toEqual(['c', 'a', 'b', 'u2', 'u1']);
  });
});

describe('BoardBinding', () => {
  it('sends a local edit to the other side, which does not echo it back', () => {
    const net = network();
    const a = side('a', net);
    const b = side('b', net);

    a.scene.add('r1', 'a0', 10);
    a.binding.flush();
    expect(b.scene.view()).toEqual(a.scene.view());
    expect(net.sentBy(a.doc)).toBe(1);

    // Excalidraw calls onChange after updateScene: nothing new to write.
    b.binding.sceneChanged();
    b.binding.flush();
    a.binding.flush();
    expect(net.sentBy(b.doc)).toBe(0);
    expect(net.sentBy(a.doc)).toBe(1);

    a.scene.edit('r1', { x: 20 });
    a.binding.flush();
    expect(b.scene.get('r1')?.x).toBe(20);
    expect(net.sentBy(a.doc)).toBe(2);
  });

  it('writes only the elements whose version changed, in one transaction', () => {
    const net = network();
    const a = side('a', net);
    side('b', net);
    a.scene.add('r1', 'a0');
    a.scene.add('r2', 'a1');
    a.scene.add('r3', 'a2');
    a.binding.flush();
    expect(net.sentBy(a.doc)).toBe(1);

    const writes: string[] = [];
    a.doc.getMap('elements').observe((event) => writes.push(...event.keysChanged));
    a.scene.edit('r2', { x: 5 });
    a.scene.remove('r3');
    a.binding.flush();
    expect(writes.sort()).toEqual(['r2', 'r3']);
    expect(net.sentBy(a.doc)).toBe(2);
  });

  it('throttles writes: many onChange calls in a burst make one update', () => {
    vi.useFakeTimers();
    const net = network();
    const a = side('a', net);
    const b = side('b', net);
    a.scene.add('r1', 'a0');
    for (let x = 1; x <= 10; x++) {
      a.scene.edit('r1', { x });
      a.binding.sceneChanged();
    }
    expect(net.sentBy(a.doc)).toBe(0);
    vi.advanceTimersByTime(100);
    expect(net.sentBy(a.doc)).toBe(1);
    expect(b.scene.get('r1')?.x).toBe(10);
  });

  it('converges on the newer copy when both sides edit the same element at once', () => {
    const net = network();
    const a = side('a', net);
    const b = side('b', net);
    a.scene.add('r1', 'a0');
    a.binding.flush();

    net.hold();
    a.scene.edit('r1', { x: 100 }); // version 2
    a.binding.flush();
    b.scene.edit('r1', { x: 200 }); // version 2
    b.scene.edit('r1', { x: 300 }); // version 3: newer
    b.binding.flush();
    net.deliver();

    expect(a.scene.view()).toEqual(b.scene.view());
    expect(a.scene.get('r1')).toMatchObject({ x: 300, version: 3 });
    expect(a.doc.getMap('elements').toJSON()).toEqual(b.doc.getMap('elements').toJSON());
  });

  it('breaks a tie in version by the lower nonce, whichever order the updates arrive in', () => {
    for (const reverse of [false, true]) {
      const net = network();
      const a = side('a', net);
      const b = side('b', net);
      a.scene.add('r1', 'a0');
      a.binding.flush();

      net.hold();
      a.scene.edit('r1', { x: 1 });
      b.scene.edit('r1', { x: 2 });
      a.binding.flush();
      b.binding.flush();
      const expected = [a.scene.get('r1')!, b.scene.get('r1')!].reduce((x, y) => (isNewer(x, y) ? x : y));
      net.deliver(reverse);

      expect(a.scene.get('r1')).toEqual(expected);
      expect(b.scene.get('r1')).toEqual(expected);
    }
  });

  it('keeps deletions as isDeleted elements, and a later edit wins over an older delete', () => {
    const net = network();
    const a = side('a', net);
    const b = side('b', net);
    a.scene.add('r1', 'a0');
    a.scene.add('r2', 'a1');
    a.binding.flush();

    a.scene.remove('r1');
    a.binding.flush();
    expect(b.scene.get('r1')?.isDeleted).toBe(true);
    expect(a.doc.getMap('elements').size).toBe(2);

    net.hold();
    a.scene.remove('r2'); // version 2
    a.binding.flush();
    b.scene.edit('r2', { x: 1 });
    b.scene.edit('r2', { x: 2 }); // version 3
    b.binding.flush();
    net.deliver();
    expect(a.scene.get('r2')).toMatchObject({ isDeleted: false, x: 2 });
    expect(a.scene.view()).toEqual(b.scene.view());
  });

  it('merges elements both sides added while apart, in a stable order', () => {
    const net = network();
    const a = side('a', net);
    const b = side('b', net);
    net.hold();
    a.scene.add('a1', 'a0');
    a.scene.add('a2', 'a2');
    b.scene.add('b1', 'a1');
    b.scene.add('b2', 'a0'); // same index as a1: the id decides
    a.binding.flush();
    b.binding.flush();
    net.deliver(true);
    expect(a.scene.elements.map((e) => e.id)).toEqual(['a1', 'b2', 'b1', 'a2']);
    expect(b.scene.view()).toEqual(a.scene.view());
  });

  it('restores the board on a late join from a snapshot, and sends back what was drawn before joining', () => {
    const net = network();
    const a = side('a', net);
    a.scene.add('r1', 'a0', 1);
    a.scene.add('r2', 'a1', 2);
    a.binding.flush();
    a.scene.remove('r2');
    a.scene.edit('r1', { x: 5 });
    a.binding.flush();

    // A client that drew offline, then joins: the server's copy comes in, and the doc's diff goes back.
    const cDoc = new Y.Doc();
    const c = new FakeScene('c');
    c.add('c1', 'a2', 9);
    const cBinding = new BoardBinding(cDoc, c);
    bindings.push(cBinding);
    const vectorBefore = Y.encodeStateVector(cDoc);
    Y.applyUpdate(cDoc, Y.encodeStateAsUpdate(a.doc, vectorBefore), WIRE);
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(cDoc, Y.encodeStateVector(a.doc)), WIRE);

    expect(c.view()).toEqual(a.scene.view());
    expect(c.elements.map((e) => e.id)).toEqual(['r1', 'r2', 'c1']);
    expect(c.get('r2')?.isDeleted).toBe(true);
  });

  it('restores a reload: a new binding on a doc that already holds the board fills an empty scene', () => {
    const net = network();
    const a = side('a', net);
    a.scene.add('r1', 'a0', 3);
    a.binding.flush();
    a.binding.destroy();

    const reloaded = new FakeScene('z');
    bindings.push(new BoardBinding(a.doc, reloaded));
    expect(reloaded.view()).toEqual(a.scene.view());
  });

  it('does not yank an element the user is editing; the edit goes out when they continue', () => {
    const net = network();
    const a = side('a', net);
    const b = side('b', net);
    a.scene.add('t1', 'a0');
    a.binding.flush();

    b.scene.editing.add('t1');
    a.scene.edit('t1', { x: 1 });
    a.scene.edit('t1', { x: 2 });
    a.binding.flush();
    expect(b.scene.get('t1')?.x).toBe(0);

    b.scene.edit('t1', { x: 7 });
    b.scene.edit('t1', { x: 8 });
    b.scene.editing.clear();
    b.binding.flush();
    expect(a.scene.view()).toEqual(b.scene.view());
  });

  it('never writes when read-only, and follows the doc', () => {
    const net = network();
    const a = side('a', net);
    const observer = side('o', net, { readOnly: true });
    a.scene.add('r1', 'a0');
    a.binding.flush();
    expect(observer.scene.view()).toEqual(a.scene.view());

    observer.scene.add('mine', 'a5');
    observer.binding.sceneChanged();
    observer.binding.flush();
    expect(net.sentBy(observer.doc)).toBe(0);
  });

  it('splits a large paste into updates under the 60 KB limit', () => {
    const net = network();
    const a = side('a', net);
    const b = side('b', net);
    const sizes: number[] = [];
    a.doc.on('update', (u: Uint8Array) => sizes.push(u.byteLength));
    for (let i = 0; i < 300; i++) {
      a.scene.add(`p${i}`, `a${String(i).padStart(4, '0')}`);
      a.scene.edit(`p${i}`, { points: Array.from({ length: 40 }, (_, k) => [k * 1.5, k * 2.25]) } as Partial<TestElement>);
    }
    a.binding.flush();
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThan(60_000);
    expect(b.scene.elements).toHaveLength(300);
  });

  it('does not let later in-place mutation of a scene element change the doc', () => {
    const net = network();
    const a = side('a', net);
    a.scene.add('r1', 'a0', 1);
    a.binding.flush();
    (a.scene.elements[0] as { x: number }).x = 99;
    expect((a.doc.getMap('elements').get('r1') as TestElement).x).toBe(1);
  });
});
