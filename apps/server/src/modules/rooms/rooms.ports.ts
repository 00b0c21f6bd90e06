import { definePort } from '../../platform/ports';

/** A chat message's text as the room delivers it, and what the sender is told about it (#20). */
export interface ScreenedChat {
  text: string;
  /** The categories masked in it (e.g. phone, email), or none. */
  masked: string[];
  /** Shown to the sender when something was masked. */
  warning: string | null;
}

/** What the room asks about safety (#20): the safety module provides it when it registers (after rooms). */
export interface RoomSafety {
  /** Contact details in a message towards a minor are masked before it is stored and delivered. */
  screenChat(input: { sessionId: string; senderId: string; studentId: string; tutorId: string; text: string }): Promise<ScreenedChat>;
  /** After a masked message was stored (once per client id): kept as evidence, repeats flagged to ops. */
  chatMasked(input: { sessionId: string; senderId: string; original: string; categories: string[] }): Promise<void>;
  /**
   * Board text (#20): the text elements a board update writes, in a session with a minor, screened. The board is one
   * shared Yjs doc, so nothing is masked: the attempt is kept as evidence (one per element), repeats are flagged like
   * chat's, and the writer is warned (the returned words).
   */
  screenBoard(input: { sessionId: string; senderId: string; studentId: string; tutorId: string; texts: { id: string; text: string }[] }): Promise<string | null>;
  /** The notice shown in the room when the session may be reviewed (a minor with an adult), or null. */
  reviewNotice(session: { studentId: string; tutorId: string }): Promise<string | null>;
}
export const ROOM_SAFETY = definePort<RoomSafety>('rooms.safety', 'the safety module (tutorline-safety)');
