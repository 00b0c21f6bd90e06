import type { Access } from '@tutorline/contracts';
import type { Logger } from './logger';
import type { AppSocket, Io, SocketIdentity } from './realtime';

/** Who may send a socket event: any logged-in user, or these account and staff roles. Logged-out sockets never connect. */
export type SocketAccess = Exclude<Access, 'public'>;

export interface SocketEventDeclaration {
  event: string;
  /** The module that handles the event (for the refusal log and the matrix test). */
  owner: string;
  access: SocketAccess;
}

/** Decides whether this socket's user may send an event with this access (the identity module answers). */
export type SocketAuthorizer = (identity: SocketIdentity, access: SocketAccess) => Promise<boolean>;

const registries = new WeakMap<Io, Map<string, SocketEventDeclaration>>();

function registryOf(io: Io): Map<string, SocketEventDeclaration> {
  let registry = registries.get(io);
  if (!registry) registries.set(io, (registry = new Map()));
  return registry;
}

/**
 * A module declares, next to its handlers, which roles may send each of its socket events. The socket layer refuses
 * any event without a declaration, and any sender whose roles the declaration does not name, before a handler runs.
 */
export function declareSocketEvents(io: Io, owner: string, events: Record<string, SocketAccess>): void {
  const registry = registryOf(io);
  for (const [event, access] of Object.entries(events)) {
    const before = registry.get(event);
    if (before) throw new Error(`Socket event ${event} is declared twice (by ${before.owner} and ${owner})`);
    if (Array.isArray(access) && access.length === 0) throw new Error(`Socket event ${event} (${owner}) allows no role: name at least one`);
    registry.set(event, { event, owner, access });
  }
}

/** Every declared socket event (the role matrix test walks these). */
export function declaredSocketEvents(io: Io): SocketEventDeclaration[] {
  return [...registryOf(io).values()];
}

/** Events Socket.IO itself emits on a server socket: never sent by a client. */
export const RESERVED_SOCKET_EVENTS = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener', 'error'];

/** The refusal an event's acknowledgement receives; both ack shapes in use (`error` and `reason`) can read it. */
export function socketRefusal(code: 'forbidden' | 'undeclared_event', message: string) {
  return { ok: false as const, reason: code, error: { code, message } };
}

const rolesWords = (access: SocketAccess) => (access === 'user' ? 'a logged-in user' : `one of the roles: ${access.join(', ')}`);

/** Installs the check on a connected socket: every incoming event passes through it before any module's handler. */
export function guardSocketEvents(io: Io, socket: AppSocket, authorize: SocketAuthorizer, logger: Logger): void {
  const registry = registryOf(io);
  socket.use((packet, next) => {
    const [event] = packet;
    const last = packet[packet.length - 1];
    const ack = typeof last === 'function' ? (last as (reply: unknown) => void) : undefined;
    const { userId, role } = socket.data;
    const declaration = registry.get(String(event));
    if (!declaration) {
      logger.warn({ event: 'socket_event_refused', on: String(event), userId, reason: 'undeclared' }, 'socket event refused: no module declares it');
      ack?.(socketRefusal('undeclared_event', `The event ${String(event)} is not accepted here.`));
      return;
    }
    if (declaration.access === 'user') return next();
    // Account roles are fixed for a socket's life; staff roles are read fresh, so a revoked role stops at once.
    authorize({ userId, role, authSessionId: socket.data.authSessionId }, declaration.access).then(
      (allowed) => {
        if (allowed) return next();
        logger.info({ event: 'socket_event_refused', on: declaration.event, owner: declaration.owner, userId, role, reason: 'forbidden' }, 'socket event refused: role not allowed');
        ack?.(socketRefusal('forbidden', `This needs ${rolesWords(declaration.access)}.`));
      },
      (err: unknown) => {
        logger.error({ err, event: 'socket_authorize_failed', on: declaration.event, userId }, 'socket event authorization failed');
        ack?.({ ok: false, reason: 'internal_error', error: { code: 'internal_error', message: 'Something went wrong. Trying again…' } });
      },
    );
  });
}
