import { z } from 'zod';

/**
 * Recording a 1:1 session (issue #15, decision 056): either participant asks, the other agrees (or refuses, or lets
 * the question time out); once both agree the call moves from peer-to-peer to the SFU, where Janus records both.
 * Browsers never talk to Janus: publish, subscribe, answers and ICE candidates go through these events.
 */
export const SESSION_REC_LIMITS = {
  /** How long the other participant has to answer before the question lapses (no recording). */
  askTtlMs: 30_000,
  sdpChars: 64 * 1024,
  candidateChars: 1024,
  /** The cap of each participant's stream at the SFU. */
  videoBps: 600_000,
} as const;

const sessionId = z.uuid('must be an id');
const sdp = z.string().min(1).max(SESSION_REC_LIMITS.sdpChars);
const candidate = z
  .strictObject({ candidate: z.string().max(SESSION_REC_LIMITS.candidateChars), sdpMid: z.string().max(32).nullable().optional(), sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional() })
  .nullable();

export const sessionRecAskSchema = z.strictObject({ sessionId });
export const sessionRecAnswerSchema = z.strictObject({ sessionId, agree: z.boolean() });
export const sessionRecStopSchema = z.strictObject({ sessionId });
export const sessionSfuPublishSchema = z.strictObject({ sessionId, offer: z.strictObject({ type: z.literal('offer'), sdp }) });
export const sessionSfuSubscribeSchema = z.strictObject({ sessionId });
export const sessionSfuStartSchema = z.strictObject({ sessionId, answer: z.strictObject({ type: z.literal('answer'), sdp }) });
export const sessionSfuTrickleSchema = z.strictObject({ sessionId, target: z.enum(['publisher', 'subscriber']), candidate });

/**
 * The session's recording as both participants see it. `sfu`: the call runs through the media server (while it is
 * recorded: from the agreement until the recording stops or the session ends; the pages then hand their tracks back
 * to the peer-to-peer call).
 */
export type SessionRecState =
  | { status: 'off'; sfu: boolean }
  | { status: 'asked'; askedBy: string; expiresAt: string; sfu: boolean }
  | { status: 'starting'; sfu: boolean }
  | { status: 'recording'; since: string; recordingId: string; sfu: true };

/** Why the server refused: a stable code the page switches on, with words to show. */
export type SessionRecRefusalCode =
  | 'validation_failed'
  | 'not_found'
  | 'not_joined'
  | 'session_ended'
  | 'media_unavailable'
  | 'not_recordable'
  | 'already_asked'
  | 'already_recording'
  | 'nothing_asked'
  | 'own_question'
  | 'not_recording'
  | 'busy'
  | 'not_on_sfu'
  | 'no_media_yet'
  | 'media_refused'
  | 'internal_error';
export type SessionRecAck<T> = ({ ok: true } & T) | { ok: false; error: { code: SessionRecRefusalCode; message: string } };

type Candidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null;

export interface SessionRecClientEvents {
  'room:rec:ask': (payload: z.infer<typeof sessionRecAskSchema>, ack: (r: SessionRecAck<{ recording: SessionRecState }>) => void) => void;
  'room:rec:answer': (payload: z.infer<typeof sessionRecAnswerSchema>, ack: (r: SessionRecAck<{ recording: SessionRecState }>) => void) => void;
  /** Stops the recording (either participant: withdrawing consent); the asker may also take back an unanswered question. */
  'room:rec:stop': (payload: z.infer<typeof sessionRecStopSchema>, ack: (r: SessionRecAck<{ recording: SessionRecState }>) => void) => void;
  /** The recording's state now (after a reload). */
  'room:rec:state': (payload: z.infer<typeof sessionRecStopSchema>, ack: (r: SessionRecAck<{ recording: SessionRecState }>) => void) => void;
  'room:sfu:publish': (payload: z.infer<typeof sessionSfuPublishSchema>, ack: (r: SessionRecAck<{ answer: { type: 'answer'; sdp: string } }>) => void) => void;
  'room:sfu:subscribe': (payload: z.infer<typeof sessionSfuSubscribeSchema>, ack: (r: SessionRecAck<{ offer: { type: 'offer'; sdp: string } }>) => void) => void;
  'room:sfu:start': (payload: z.infer<typeof sessionSfuStartSchema>, ack?: (r: SessionRecAck<object>) => void) => void;
  'room:sfu:trickle': (payload: z.infer<typeof sessionSfuTrickleSchema>, ack?: (r: SessionRecAck<object>) => void) => void;
}

export interface SessionRecServerEvents {
  /** To the room: the recording's state changed (a question, an answer, a start, a stop). */
  'room:rec': (payload: { sessionId: string; recording: SessionRecState }) => void;
  /** To one participant's socket: Janus's candidate for one of its connections. */
  'room:sfu:candidate': (payload: { sessionId: string; target: 'publisher' | 'subscriber'; candidate: Candidate }) => void;
  /** To one participant's socket: a new offer for its receiving connection (answer with room:sfu:start). */
  'room:sfu:offer': (payload: { sessionId: string; offer: { type: 'offer'; sdp: string } }) => void;
  /** To the room: this participant publishes at the SFU now; the other subscribes to it. */
  'room:sfu:publisher': (payload: { sessionId: string; userId: string }) => void;
}

/** GET /api/sessions/:id/recordings: the session's recordings, newest first (its two participants and staff). */
export interface SessionRecordingView {
  id: string;
  sessionId: string;
  status: 'recording' | 'converting' | 'ready' | 'failed';
  createdAt: string;
  stoppedAt: string | null;
  durationMs: number | null;
  files: { feed: number; durationMs: number; bytes: number; url: string }[];
}
