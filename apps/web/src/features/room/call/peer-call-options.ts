import type { RoomRole } from '@tutorline/contracts';
import type { RoomConnection } from '../room-connection';
import type { IceServerGrant } from './ice-servers';
import type { LocalMediaChoice } from './types';

/** What a PeerCall (peer-call.ts) is made with. */
export interface PeerCallOptions {
  connection: RoomConnection;
  /**
   * Our role: the student is the polite peer, the tutor the impolite one; an observer gets no peer connection. null:
   * the one the room's join gives (the call may start before the room is joined).
   */
  role: RoomRole | null;
  /**
   * The media chosen in pre-join; null when the call starts before the devices are ready (see setMedia): it then
   * connects at once with empty senders, and the tracks go onto them when they come.
   */
  media: LocalMediaChoice | null;
  /** The ICE servers: first the grant that came with the room's join, later GET /api/sessions/:id/ice-servers. */
  loadIceServers(): Promise<IceServerGrant>;
}

declare global {
  interface Window {
    /** For end-to-end tests: the current peer connection (it is replaced when the call is rebuilt) and the call state. */
    __tutorlineCall?: { pc(): RTCPeerConnection | null; state(): string };
  }
}
