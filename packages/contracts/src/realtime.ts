/** Typed Socket.IO event maps, shared by server and web. */
export interface PresencePayload {
  userId: string;
  online: boolean;
}

export interface ServerToClientEvents {
  /** Sent once after connecting (and after every recovery) so the client knows who it is. */
  'session:ready': (payload: { userId: string; role: string; recovered: boolean }) => void;
  /** The server ended this session (log-out, password change, revocation). */
  'session:revoked': (payload: { reason: string }) => void;
  'presence:changed': (payload: PresencePayload) => void;
  /** Diagnostic echo used by tests and the ops dashboard. */
  'system:ping': (payload: { at: string; from: string }) => void;
}

export interface ClientToServerEvents {
  'presence:heartbeat': (ack: (reply: { ok: true; at: string }) => void) => void;
}

export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
