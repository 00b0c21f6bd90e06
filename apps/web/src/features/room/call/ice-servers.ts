import type { NamedTimers } from './call-timers';

export interface IceServerGrant {
  iceServers: RTCIceServer[];
  /** When the TURN credential stops working for new allocations; null when it does not expire. */
  expiresAt: string | null;
  /** 'relay' when the deployment sends every call through TURN. */
  iceTransportPolicy: RTCIceTransportPolicy;
}

/**
 * The call's ICE servers: asked for once the room is joined, asked again a minute before the TURN credential
 * expires, and retried while nothing answers (after two failures the call tries host candidates alone meanwhile).
 */
export class IceServerSource {
  /** null until the first grant (or the second failure). */
  servers: RTCIceServer[] | null = null;
  policy: RTCIceTransportPolicy = 'all';

  constructor(
    private readonly load: () => Promise<IceServerGrant>,
    private readonly timers: NamedTimers,
    private readonly isClosed: () => boolean,
    /** Applies a new grant to the current peer connection. */
    private readonly onGrant: (grant: IceServerGrant) => void,
  ) {}

  async fetch(): Promise<void> {
    for (let attempt = 0; !this.isClosed(); attempt++) {
      try {
        const grant = await this.load();
        this.servers = grant.iceServers;
        this.policy = grant.iceTransportPolicy;
        this.onGrant(grant);
        // Fetch a new TURN credential a minute before this one expires, so restarts and rebuilds can still allocate.
        if (grant.expiresAt) this.timers.later('ice-servers', Math.max(30_000, Date.parse(grant.expiresAt) - Date.now() - 60_000), () => void this.fetch());
        return;
      } catch {
        // Without any answer, try host candidates alone (same network) while we keep asking.
        if (attempt === 1 && !this.servers) this.servers = [];
        await new Promise((r) => setTimeout(r, Math.min(15_000, 2_000 * (attempt + 1))));
      }
    }
  }
}
