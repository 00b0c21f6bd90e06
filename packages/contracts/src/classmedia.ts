import { z } from 'zod';
import type { ClassRefusalCode } from './classroom';
import { candidateTypes } from './rooms';

/**
 * Media signaling for a class (issue #15, decision 048): browsers never talk to Janus. Each participant has at most one
 * publishing connection (its camera and microphone) and one receiving connection (what the server picked for it);
 * every SDP and ICE candidate goes through these events, and the server relays them to Janus's videoroom.
 */
export const CLASS_MEDIA_LIMITS = {
  sdpChars: 64 * 1024,
  candidateChars: 1024,
  /** Thumbnails per page of the teacher's grid. */
  pageSize: 12,
  /** The teacher's simulcast layers (bits per second), high to low, and a learner's one stream. */
  teacherLayersBps: [1_500_000, 500_000, 150_000],
  learnerVideoBps: 200_000,
} as const;

const id = z.uuid('must be an id');
const sdp = z.string().min(1).max(CLASS_MEDIA_LIMITS.sdpChars);
const candidate = z
  .strictObject({ candidate: z.string().max(CLASS_MEDIA_LIMITS.candidateChars), sdpMid: z.string().max(32).nullable().optional(), sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional() })
  .nullable();
/** Which of the participant's two connections a message is about. */
const target = z.enum(['publisher', 'subscriber']);
/**
 * Which receiving connection an offer, answer or candidate belongs to (the server's name for its Janus handle). A
 * participant's receiving connection is replaced on a reload, a reconnect or a move to or from a breakout group; an
 * answer or candidate for a replaced one is refused, never applied to its successor.
 */
const sub = z.string().min(1).max(64);

/** What a publishing connection carries: the camera and microphone, or a screen (a second feed at Janus). */
export const classMediaSources = ['camera', 'screen'] as const;
export type ClassMediaSource = (typeof classMediaSources)[number];
const source = z.enum(classMediaSources);

export const classMediaPublishSchema = z.strictObject({ classId: id, offer: z.strictObject({ type: z.literal('offer'), sdp }), source: source.optional() });
/** Stops a publishing connection (a screen share ends: its feed leaves Janus). */
export const classMediaUnpublishSchema = z.strictObject({ classId: id, source });
/** The teacher lets a learner share their screen (or takes it back; a running share then stops). */
export const classMediaScreenPermissionSchema = z.strictObject({ classId: id, userId: id, allowed: z.boolean() });
/** The learner's own low-bandwidth choice: audio and board only (video paused), or video again. */
export const classMediaModeSchema = z.strictObject({ classId: id, audioOnly: z.boolean() });
export const classMediaSubscribeSchema = z.strictObject({ classId: id });
export const classMediaStartSchema = z.strictObject({ classId: id, answer: z.strictObject({ type: z.literal('answer'), sdp }), sub: sub.optional() });
export const classMediaTrickleSchema = z.strictObject({ classId: id, target, candidate, source: source.optional(), sub: sub.optional() });
export const classMediaRestartSchema = z.strictObject({ classId: id, target, offer: z.strictObject({ type: z.literal('offer'), sdp }).optional(), source: source.optional() });
export const classMediaPageSchema = z.strictObject({ classId: id, page: z.number().int().min(0).max(10) });
/** One m-line of the receiving connection over the last interval (getStats inbound-rtp, differenced by the client). */
export const classMediaStreamStatsSchema = z.strictObject({
  mid: z.string().min(1).max(32),
  kind: z.enum(['audio', 'video']),
  bitrateBps: z.number().min(0).max(50_000_000),
  lossPct: z.number().min(0).max(100),
  framesDecoded: z.number().int().min(0).max(1e9).nullable(),
});
/**
 * What the receiving connection measured over its last few seconds, sent every few seconds (at most one per 2 s is
 * taken): per stream, and the selected candidate pair's local type and round trip.
 */
export const classMediaStatsSchema = z.strictObject({
  classId: id,
  streams: z.array(classMediaStreamStatsSchema).max(80),
  candidateType: z.enum(candidateTypes).nullable(),
  rttMs: z.number().min(0).max(60_000).nullable(),
});
export type ClassMediaStats = z.infer<typeof classMediaStatsSchema>;

export const classMediaRefusalCodes = ['media_unavailable', 'no_media_yet', 'not_publishing', 'not_receiving', 'media_refused', 'too_often', 'screen_not_allowed', 'screen_taken'] as const;
export type ClassMediaRefusalCode = (typeof classMediaRefusalCodes)[number];
/** A media refusal: the classroom's codes (not_joined, removed, class_ended, teacher_only, …) and the media server's. */
export interface ClassMediaError {
  code: ClassMediaRefusalCode | ClassRefusalCode;
  message: string;
}
export type ClassMediaAck<T> = ({ ok: true } & T) | { ok: false; error: ClassMediaError };

/** One m-line of a receiving connection and whose media it carries (the page labels its tiles with it). */
export interface ClassMediaStream {
  mid: string;
  userId: string;
  kind: string;
  source: ClassMediaSource;
}

/** A publishing participant as everyone in the class sees it. */
export interface ClassPublisher {
  userId: string;
  role: 'teacher' | 'learner' | 'observer';
  feed: number;
  source: ClassMediaSource;
}

/** What this learner receives: everything, or audio and board only (measured on the worst links, or their choice). */
export interface ClassMediaMode {
  classId: string;
  audioOnly: boolean;
  reason: 'measured' | 'manual';
}

export interface ClassMediaClientEvents {
  'class:media:publish': (payload: z.infer<typeof classMediaPublishSchema>, ack: (r: ClassMediaAck<{ answer: { type: 'answer'; sdp: string } }>) => void) => void;
  'class:media:subscribe': (payload: z.infer<typeof classMediaSubscribeSchema>, ack: (r: ClassMediaAck<{ offer: { type: 'offer'; sdp: string }; streams: ClassMediaStream[]; sub: string }>) => void) => void;
  'class:media:start': (payload: z.infer<typeof classMediaStartSchema>, ack?: (r: ClassMediaAck<object>) => void) => void;
  'class:media:trickle': (payload: z.infer<typeof classMediaTrickleSchema>, ack?: (r: ClassMediaAck<object>) => void) => void;
  'class:media:restart': (payload: z.infer<typeof classMediaRestartSchema>, ack: (r: ClassMediaAck<{ answer?: { type: 'answer'; sdp: string }; offer?: { type: 'offer'; sdp: string }; sub?: string }>) => void) => void;
  'class:media:page': (payload: z.infer<typeof classMediaPageSchema>, ack?: (r: ClassMediaAck<object>) => void) => void;
  'class:media:stats': (payload: z.infer<typeof classMediaStatsSchema>, ack?: (r: ClassMediaAck<object>) => void) => void;
  'class:media:unpublish': (payload: z.infer<typeof classMediaUnpublishSchema>, ack?: (r: ClassMediaAck<object>) => void) => void;
  'class:media:screen-permission': (payload: z.infer<typeof classMediaScreenPermissionSchema>, ack?: (r: ClassMediaAck<object>) => void) => void;
  'class:media:mode': (payload: z.infer<typeof classMediaModeSchema>, ack?: (r: ClassMediaAck<object>) => void) => void;
}

export interface ClassMediaServerEvents {
  /** Janus's ICE candidate for one of this participant's connections (null: it has gathered all). */
  'class:media:candidate': (payload: { classId: string; target: 'publisher' | 'subscriber'; sub?: string; candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null }) => void;
  /** A new offer for the receiving connection (someone started or stopped publishing, a page changed): answer with class:media:start. */
  'class:media:offer': (payload: { classId: string; offer: { type: 'offer'; sdp: string }; streams: ClassMediaStream[]; sub: string }) => void;
  /** Who publishes now, to the whole class. */
  'class:media:publishers': (payload: { classId: string; publishers: ClassPublisher[] }) => void;
  /** The media server came back empty: show "reconnecting", then publish and subscribe again. */
  'class:media:reconnecting': (payload: { classId: string }) => void;
  /** The server kicked this participant's media (removed, or the class ended). */
  'class:media:closed': (payload: { classId: string; reason: 'removed' | 'ended' }) => void;
  /** This learner's receiving mode changed (video paused on a bad link, or resumed). */
  'class:media:mode': (payload: ClassMediaMode) => void;
  /** Whether this participant may share their screen now (the teacher allowed it or took it back). */
  'class:media:screen-permission': (payload: { classId: string; allowed: boolean }) => void;
}
