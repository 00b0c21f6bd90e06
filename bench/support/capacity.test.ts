import { describe, expect, it } from 'vitest';
import { capacityRow, defaultAssumptions, limits, type MeasuredFigures } from './capacity';

// Round numbers, so each expectation can be worked out by hand.
const measured: MeasuredFigures = {
  population: { students: 30_000, tutors: 1_000, tutorSockets: 1_000, studentSockets: 3_000, connected: 4_000 },
  knobs: { sessionsPerDay: 3_600, peakShare: 0.1, nodes: 3 },
  memPerSocketKiB: 16,
  cpu: { nodeQuietCores: 0.4, nodeMarginalMsPerQuestion: 500, postgresMsPerQuestion: 60 },
  postgres: { connectionsMax: 30, maxConnections: 100 },
  storage: { bytesPerUser: 1_024, bytesPerQuestion: 10_240, photoBytesPerQuestion: 300_000 },
};

describe('capacity table arithmetic', () => {
  it('reproduces the measured population at 1×', () => {
    const row = capacityRow(measured, 30_000);
    expect(row).toMatchObject({ tutors: 1_000, sockets: 4_000, sessionsPerDay: 3_600 });
    // 3,600 a day × 10% in the peak hour = 360 an hour = 0.1 a second.
    expect(row.peakQuestionsPerSecond).toBe(0.1);
    // Sockets 0.4 cores (0.0001 per socket × 4,000) + 0.1 q/s × 0.5 s = 0.45 cores → 1 node of 0.5 core; at least 2.
    expect(row.nodeCores).toBe(0.45);
    expect(row.nodesForCpu).toBe(1);
    // 4,000 × 16 KiB = 62.5 MiB → 1 node of 1 GiB.
    expect(row.nodesForMemory).toBe(1);
    expect(row.nodes).toBe(2);
    // 10 pooled connections per node (30 over 3 nodes).
    expect(row.pgConnections).toBe(20);
    // 0.1 q/s × 0.06 s = 0.006 cores at 60% → 0.01.
    expect(row.pgCores).toBe(0.01);
    // 2% of 30,000 in group classes = 600 streams × 4.727 ms/s = 2.836 cores at 70% → 4.05.
    expect(row.janusStreams).toBe(600);
    expect(row.janusCores).toBe(4.05);
    expect(row.haproxyFrontends).toBe(1);
  });

  it('scales every figure linearly with the students, and the node count by the budget', () => {
    const row = capacityRow(measured, 3_000_000);
    expect(row).toMatchObject({ tutors: 100_000, sockets: 400_000, sessionsPerDay: 360_000, peakQuestionsPerSecond: 10 });
    // 40 cores for sockets + 10 q/s × 0.5 s = 45 cores → 90 nodes of half a core.
    expect(row.nodeCores).toBe(45);
    expect(row.nodes).toBe(90);
    expect(row.pgConnections).toBe(900);
    expect(row.haproxyFrontends).toBe(98);
    // Storage: 3.1 M users × 1 KiB + 360,000 a day × 365 days × 10 KiB.
    expect(row.dbGiB).toBeCloseTo((3_100_000 * 1_024 + 360_000 * 365 * 10_240) / 2 ** 30, 2);
    expect(row.photoGiB).toBeCloseTo((360_000 * 180 * 300_000) / 2 ** 30, 2);
  });

  it('orders the fixed limits by the student count that reaches them', () => {
    const found = limits(measured);
    expect(found.map((l) => l.atStudents)).toEqual([...found.map((l) => l.atStudents)].sort((a, b) => a - b));
    const byName = (part: string) => found.find((l) => l.what.includes(part))!.atStudents;
    // 4,096 / (4,000 / 30,000) sockets per student.
    expect(byName('HAProxy')).toBe(30_720);
    // 100 / 10 = 10 nodes × 0.5 core = 5 cores; 0.45 cores per 30,000 students → 333,333.
    expect(byName('max_connections')).toBe(333_333);
    // 2 cores × 1000 × 0.7 / 4.727 = 296.17 streams / 2% → 14,808.
    expect(byName('Janus')).toBe(14_808);
    expect(found[0]!.what).toContain('Janus');
  });

  it('takes other assumptions as arguments', () => {
    expect(capacityRow(measured, 30_000, { ...defaultAssumptions, groupClassShare: 0 }).janusCores).toBe(0);
    expect(capacityRow(measured, 3_000_000, { ...defaultAssumptions, nodeCoreBudget: 1 }).nodes).toBe(45);
  });
});
