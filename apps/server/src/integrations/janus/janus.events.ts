import type { SfuEvent } from './sfu';

type Data = Record<string, unknown>;

/**
 * The room events a videoroom message carries, as the monitor participant hears them. `published` is the room's set of
 * feeds that are publishing (updated here), so a feed that unpublishes and then leaves is reported gone once.
 */
export function roomEvents(room: number, data: Data, monitorDisplay: string, published: Set<number>): SfuEvent[] {
  const events: SfuEvent[] = [];
  const kind = data.videoroom;
  if (kind === 'talking' || kind === 'stopped-talking') {
    const level = data['audio-level-dBov-avg'];
    events.push({ type: 'talking', room, feed: Number(data.id), talking: kind === 'talking', audioLevel: typeof level === 'number' ? level : null });
    return events;
  }
  if (Array.isArray(data.publishers)) {
    for (const p of data.publishers as Data[]) {
      const feed = Number(p.id);
      if (p.display === monitorDisplay || published.has(feed)) continue;
      published.add(feed);
      const streams = Array.isArray(p.streams) ? (p.streams as Data[]) : [];
      events.push({
        type: 'publisher_joined',
        room,
        feed,
        display: typeof p.display === 'string' ? p.display : null,
        streams: streams.filter((s) => !s.disabled).map((s) => ({ mid: String(s.mid), kind: String(s.type), simulcast: Boolean(s.simulcast) })),
      });
    }
  }
  for (const key of ['unpublished', 'leaving', 'kicked'] as const) {
    const v = data[key];
    if (typeof v !== 'number') continue;
    if (key === 'kicked') events.push({ type: 'kicked', room, feed: v });
    if (published.delete(v)) events.push({ type: 'publisher_left', room, feed: v });
  }
  return events;
}
