import type { StaffSafetyReport } from '@tutorline/contracts';

type Chat = StaffSafetyReport['chat'][number];
type Attempt = StaffSafetyReport['contactAttempts'][number];

/** A masked attempt is stored a moment after its message: pair each with the same sender's nearest masked message. */
const PAIR_WITHIN_MS = 10_000;
/** What the server puts where contact details were (safety.detect.rules). */
const MASK = '•••';

/** Each chat line with the original of what was hidden in it; attempts that match no line (the board, WhatsApp) apart. */
export function pairOriginals(chat: readonly Chat[], attempts: readonly Attempt[]): { lines: { message: Chat; original: string | null }[]; unpaired: Attempt[] } {
  const used = new Set<number>();
  const lines = chat.map((message) => {
    const sent = Date.parse(message.sentAt);
    let best = -1;
    if (!message.text?.includes(MASK)) return { message, original: null };
    attempts.forEach((a, i) => {
      if (used.has(i) || a.senderId !== message.senderId) return;
      const gap = Math.abs(Date.parse(a.at) - sent);
      if (gap <= PAIR_WITHIN_MS && (best < 0 || gap < Math.abs(Date.parse(attempts[best]!.at) - sent))) best = i;
    });
    if (best >= 0) used.add(best);
    return { message, original: best >= 0 ? attempts[best]!.original : null };
  });
  return { lines, unpaired: attempts.filter((_, i) => !used.has(i)) };
}
