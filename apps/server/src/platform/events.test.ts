import { describe, expect, it } from 'vitest';
import { createEventBus, defineEvent } from './events';

const ASKED = defineEvent<{ questionId: string; tutors: number }>('test.asked');
const OTHER = defineEvent<{ id: string }>('test.other');

describe('typed events', () => {
  it('emit reaches every subscriber of that event, in subscription order, and waits for each', async () => {
    const bus = createEventBus();
    const seen: string[] = [];
    bus.on(ASKED, async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`first ${e.questionId} ${e.tutors}`);
    });
    bus.on(ASKED, async (e) => void seen.push(`second ${e.questionId}`));
    bus.on(OTHER, async () => void seen.push('other'));
    await bus.emit(ASKED, { questionId: 'q1', tutors: 3 });
    expect(seen).toEqual(['first q1 3', 'second q1']);
  });

  it("a handler's error reaches the publisher, and later handlers are not run", async () => {
    const bus = createEventBus();
    const seen: string[] = [];
    bus.on(OTHER, async () => {
      throw new Error('listener broke');
    });
    bus.on(OTHER, async () => void seen.push('later'));
    await expect(bus.emit(OTHER, { id: 'x' })).rejects.toThrow('listener broke');
    expect(seen).toEqual([]);
  });

  it('an event without subscribers resolves; listeners() is live, so a publisher holding it sees later subscribers', async () => {
    const bus = createEventBus();
    await expect(bus.emit(OTHER, { id: 'x' })).resolves.toBeUndefined();
    const listeners = bus.listeners(OTHER);
    expect(listeners.length).toBe(0);
    bus.on(OTHER, async () => undefined);
    expect(listeners.length).toBe(1);
  });

  it('one bus per app: subscribers of one bus never hear another', async () => {
    const a = createEventBus();
    const b = createEventBus();
    const seen: string[] = [];
    a.on(OTHER, async (e) => void seen.push(e.id));
    await b.emit(OTHER, { id: 'b' });
    expect(seen).toEqual([]);
  });

  it('payloads are typed: a wrong payload or handler does not compile', () => {
    const bus = createEventBus();
    // @ts-expect-error tutors must be a number
    void bus.emit(ASKED, { questionId: 'q1', tutors: '3' });
    // @ts-expect-error a field is missing
    void bus.emit(ASKED, { questionId: 'q1' });
    // @ts-expect-error the payload of another event
    void bus.emit(ASKED, { id: 'x' });
    // @ts-expect-error the handler reads a field the event does not have
    bus.on(OTHER, async (e) => void e.questionId);
    expect(bus.listeners(ASKED).length).toBe(0);
  });
});
