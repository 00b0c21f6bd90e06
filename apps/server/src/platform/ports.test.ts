import { describe, expect, it } from 'vitest';
import { createPorts, definePort, MissingPortError } from './ports';

interface Pricing {
  priceOf(minutes: number): Promise<number>;
}
const PRICING = definePort<Pricing>('test.pricing', 'the pricing module (tutorline-pricing)');
const ON_DONE = definePort<(id: string) => Promise<string>>('test.onDone', 'the done module (tutorline-done)');

describe('ports', () => {
  it('a late-bound port calls the implementation provided after it was taken', async () => {
    const ports = createPorts();
    const pricing = ports.late(PRICING, 'tutorline-booking');
    const onDone = ports.lateFn(ON_DONE, 'tutorline-booking');
    ports.provide(PRICING, { priceOf: async (m) => m * 2 });
    ports.provide(ON_DONE, async (id) => `done ${id}`);
    ports.assertProvided();
    expect(await pricing.priceOf(30)).toBe(60);
    expect(await onDone('b1')).toBe('done b1');
    expect(ports.get(PRICING)).toBeDefined();
  });

  it('a missing implementation is named, with who needs it and who should provide it, at the start check', () => {
    const ports = createPorts();
    ports.late(PRICING, 'tutorline-booking');
    ports.provide(ON_DONE, async (id) => id);
    expect(() => ports.assertProvided()).toThrow(MissingPortError);
    expect(() => ports.assertProvided()).toThrow("port 'test.pricing' (needed by tutorline-booking) has no implementation: register the pricing module (tutorline-pricing), which provides it");
    expect(() => ports.get(PRICING)).toThrow("port 'test.pricing' has no implementation");
  });

  it('a test can put a stand-in in place of a module\'s implementation, before or after the module provides it', async () => {
    const ports = createPorts();
    ports.provide(ON_DONE, async (id) => `real ${id}`);
    const real = ports.replaceForTest(ON_DONE, async (id) => `stand-in ${id}`);
    expect(await real!('a')).toBe('real a');
    expect(await ports.get(ON_DONE)('a')).toBe('stand-in a');
    const early = createPorts();
    early.replaceForTest(ON_DONE, async (id) => `stand-in ${id}`);
    early.provide(ON_DONE, async (id) => `real ${id}`);
    expect(await early.get(ON_DONE)('b')).toBe('stand-in b');
  });

  it('a port is provided once', () => {
    const ports = createPorts();
    ports.provide(ON_DONE, async (id) => id);
    expect(() => ports.provide(ON_DONE, async (id) => id)).toThrow("port 'test.onDone' was provided twice");
  });

  it('implementations are typed', () => {
    const ports = createPorts();
    // @ts-expect-error priceOf must return a promise of a number
    ports.provide(PRICING, { priceOf: async () => 'free' });
    // @ts-expect-error the function port takes a string
    ports.provide(ON_DONE, async (id: number) => String(id));
    expect(() => ports.get(ON_DONE)).not.toThrow();
  });
});
