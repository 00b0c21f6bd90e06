// Types for the parts of janode 1.8 (Meetecho's Janus client, plain ESM JavaScript without bundled types) we use.
declare module 'janode' {
  import type { EventEmitter } from 'node:events';
  import type JanodeHandle from 'janode/handle';

  export interface JanodeServer {
    url: string;
    apisecret?: string;
  }
  export interface JanodeConnectConfig {
    address: JanodeServer | JanodeServer[];
    retry_time_secs?: number;
    max_retries?: number;
    is_admin?: boolean;
  }
  export interface JanodeSession extends EventEmitter {
    id: number;
    attach<H extends JanodeHandle>(plugin: { id: string; Handle?: new (session: JanodeSession, id: number) => H }): Promise<H>;
    destroy(): Promise<void>;
  }
  export interface JanodeConnection extends EventEmitter {
    id: string;
    create(keepAliveSeconds?: number): Promise<JanodeSession>;
    getInfo(): Promise<Record<string, unknown>>;
    close(): Promise<void>;
  }
  interface JanodeModule {
    connect(config: JanodeConnectConfig): Promise<JanodeConnection>;
    EVENT: Record<
      | 'CONNECTION_CLOSED'
      | 'CONNECTION_ERROR'
      | 'SESSION_DESTROYED'
      | 'HANDLE_DETACHED'
      | 'HANDLE_ICE_FAILED'
      | 'HANDLE_HANGUP'
      | 'HANDLE_MEDIA'
      | 'HANDLE_WEBRTCUP'
      | 'HANDLE_SLOWLINK'
      | 'HANDLE_TRICKLE',
      string
    >;
    Logger: { setLevel(level: 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'): void };
  }
  const Janode: JanodeModule;
  export default Janode;
}

declare module 'janode/handle' {
  import { EventEmitter } from 'node:events';
  import type { JanodeSession } from 'janode';

  /** A message Janus sent (a response or an event), as janode hands it over. */
  export interface JanusMessage {
    janus: string;
    transaction?: string;
    sender?: number;
    plugindata?: { plugin: string; data: Record<string, unknown> };
    jsep?: { type: 'offer' | 'answer'; sdp: string };
    [key: string]: unknown;
  }
  export default class JanodeHandle extends EventEmitter {
    constructor(session: JanodeSession, id: number);
    id: number;
    session: JanodeSession;
    /** Overridden by a plugin: returns a truthy value for the messages it handled. */
    handleMessage(message: JanusMessage): unknown;
    ownsTransaction(id: string | undefined): boolean;
    closeTransactionWithSuccess(id: string | undefined, data: unknown): void;
    closeTransactionWithError(id: string | undefined, error: Error): void;
    message(body: Record<string, unknown>, jsep?: { type: string; sdp: string }): Promise<JanusMessage>;
    trickle(candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }): Promise<unknown>;
    trickleComplete(): Promise<unknown>;
    hangup(): Promise<unknown>;
    detach(): Promise<void>;
  }
}
