/**
 * The first complete VP8 keyframe in an RTP stream, for receivers that cannot decode (werift): the packet that starts
 * a keyframe (VP8 payload descriptor S=1, partition 0, and the frame header's P bit 0) and every sequence number from
 * it up to the packet with the marker bit, all with that RTP timestamp. Out-of-order arrival is fine.
 */
export interface VideoPacket {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  /** True only on the first packet of a keyframe. */
  keyframeStart: boolean;
}

export class KeyframeWatcher {
  private start: { ts: number; seq: number } | null = null;
  private end: number | null = null;
  private seen = new Map<number, Set<number>>();
  complete = false;

  /** Feeds one packet; true once a keyframe has been received whole (and from then on). */
  push(p: VideoPacket): boolean {
    if (this.complete) return true;
    let set = this.seen.get(p.timestamp);
    if (!set) {
      if (this.seen.size > 64) this.seen.clear(); // only recent frames matter
      set = new Set();
      this.seen.set(p.timestamp, set);
    }
    set.add(p.sequenceNumber);
    if (p.keyframeStart) {
      this.start = { ts: p.timestamp, seq: p.sequenceNumber };
      this.end = null;
    }
    if (!this.start || p.timestamp !== this.start.ts) return false;
    if (p.marker) this.end = p.sequenceNumber;
    if (this.end === null) return false;
    const count = ((this.end - this.start.seq) & 0xffff) + 1;
    for (let i = 0; i < count; i++) if (!set.has((this.start.seq + i) & 0xffff)) return false;
    this.complete = true;
    return true;
  }
}
