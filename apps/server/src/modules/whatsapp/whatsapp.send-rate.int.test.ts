import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBecause } from '../../../../../scripts/skips';
import { sharedRedisUrl as redisUrl } from '../../../test/redis-server';
import type { WhatsAppConfig } from '../../config';
import { systemClock } from '../../platform/clock';
import { createLogger } from '../../platform/logger';
import { createSharedCounter, RATE_LIMIT_PREFIX, type SharedCounter } from '../../platform/rate-limit';
import { createOutbox, sendWindow } from './whatsapp.outbox';
import type { WhatsAppRepo } from './whatsapp.repo';

// Decision 085: WhatsApp's send rate is the provider's per sending number, so the outboxes of every node share it
// through Redis. Two outboxes (two nodes) on one Redis send at WHATSAPP_SENDS_PER_SECOND together, not each.
if (!redisUrl) skipBecause('WhatsApp send rate shared by two nodes', 'REDIS_URL is not set');

describe('whatsapp: sendWindow', () => {
  it('turns a rate into a window and a count', () => {
    expect(sendWindow(20)).toEqual({ windowMs: 1000, max: 20 });
    expect(sendWindow(2.5)).toEqual({ windowMs: 1000, max: 2 });
    expect(sendWindow(0.5)).toEqual({ windowMs: 2000, max: 1 });
    expect(sendWindow(0.3)).toEqual({ windowMs: 3334, max: 1 });
  });
});

describe.skipIf(!redisUrl)('whatsapp: the send rate across two nodes', { timeout: 30_000 }, () => {
  const PER_SECOND = 4;
  const sent: number[] = [];
  const counters: SharedCounter[] = [];
  const logger = createLogger('warn');
  // A prefix of this run's own: the machine's Redis is shared with other runs.
  const prefix = `${RATE_LIMIT_PREFIX}test-${randomUUID()}:`;
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) counters.push(await createSharedCounter({ redisUrl, logger, prefix }));
  });
  afterAll(async () => {
    for (const c of counters) await c.close();
  });

  /** A node's outbox with every row queued and a provider that notes when it was called. */
  const node = (sendRate: SharedCounter) => {
    const repo = {
      outbound: async (id: string) => ({ id, status: 'queued', waId: '15550001111', body: { type: 'text', text: 'hi' }, idempotencyKey: id, kind: 'test' }),
      markAccepted: async () => {},
    } as unknown as WhatsAppRepo;
    const sender = { send: async () => (sent.push(performance.now()), { providerMessageId: randomUUID() }) };
    const config = { sendsPerSecond: PER_SECOND } as WhatsAppConfig;
    return createOutbox({ repo, clock: systemClock, logger, config, sender, sendRate, poke: () => {} });
  };

  it('sends PER_SECOND a second from both nodes together', async () => {
    const [a, b] = counters.map(node) as [ReturnType<typeof node>, ReturnType<typeof node>];
    await Promise.all(Array.from({ length: 3 * PER_SECOND }, (_, i) => (i % 2 ? b : a).send({ messageId: `m${i}` })));
    expect(sent).toHaveLength(3 * PER_SECOND);
    sent.sort((x, y) => x - y);
    // Per node, each would send PER_SECOND at once; together the next PER_SECOND wait for the next window (a margin
    // for the time between the count and the provider's call), and twelve take three windows.
    expect(sent[PER_SECOND]! - sent[0]!).toBeGreaterThan(800);
    expect(sent.at(-1)! - sent[0]!).toBeGreaterThan(1800);
  });
});
