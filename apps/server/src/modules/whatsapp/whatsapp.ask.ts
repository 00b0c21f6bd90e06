import { type MediaFetcher, ProviderError } from '../../integrations/whatsapp';
import type { Logger } from '../../platform/logger';
import type { AskFailure, HelpService, UploadFailure } from '../help';
import type { AuthUser, IdentityService } from '../identity';
import { questionFailureOf, type StudentAction, type StudentEvent } from './conversation';

/** A WhatsApp user acting through the same services as the web (no web session). */
export const asWhatsAppUser = (user: AuthUser['user']): AuthUser => ({ id: user.id, role: user.role, user, authSessionId: 'whatsapp' });

/**
 * A student's question from WhatsApp: the photos are downloaded (Graph media flow), checked and stored like web
 * uploads, then asked through help. Help's refusals come back as reasons (decision 039), each told to the student by
 * the conversation (questionFailureOf); a photo the provider will not give us, or a fault, is `photo_rejected` or `error`.
 */
export function createAsking(deps: { identity: IdentityService; help: HelpService; media: MediaFetcher; logger: Logger; publicUrl: string }) {
  const { logger } = deps;
  const asUser = asWhatsAppUser;

  /** Downloads the photos (Graph media flow), checks and stores them like web uploads, and asks. */
  async function ask(userId: string, action: Extract<StudentAction, { type: 'ask_question' }>): Promise<StudentEvent> {
    const failed = (reason: 'photo_rejected' | 'error', err?: unknown): StudentEvent => {
      logger.warn({ event: 'whatsapp_ask_failed', userId, reason, err }, 'question from whatsapp not asked');
      return { type: 'question_failed', requestId: action.requestId, reason };
    };
    /** Help refused (no plan, no consent, a bad photo, too fast): an expected outcome, an info event, no stack trace. */
    const refused = async (r: UploadFailure | AskFailure): Promise<StudentEvent> => {
      const reason = questionFailureOf[r.reason];
      const message = 'detail' in r ? r.detail.message : undefined;
      logger.info({ event: 'whatsapp_ask_refused', userId, reason, code: r.reason, ...(message ? { message } : {}) }, 'question from whatsapp refused');
      if (r.reason !== 'payment_required') return { type: 'question_failed', requestId: action.requestId, reason };
      const link = `${deps.publicUrl}/l/${await deps.identity.createLoginLink(userId, '/billing')}`;
      return { type: 'question_failed', requestId: action.requestId, reason, next: r.detail.message, link };
    };
    const user = await deps.identity.userById(userId);
    if (!user) return { type: 'question_failed', requestId: action.requestId, reason: 'error' };
    const caller = asUser(user);
    try {
      const photoIds: string[] = [];
      for (const ref of action.draft.photoMediaRefs) {
        let data: Buffer;
        try {
          ({ data } = await deps.media.download(ref));
        } catch (err) {
          if (err instanceof ProviderError) return failed('photo_rejected', err);
          throw err;
        }
        const uploaded = await deps.help.uploadPhoto(caller, data);
        if (!uploaded.ok) return refused(uploaded);
        photoIds.push(uploaded.value.photoId);
      }
      const asked = await deps.help.askQuestion(caller, {
        requestId: action.requestId,
        subjectId: action.subjectId,
        level: action.level,
        photoIds,
        ...(action.draft.text ? { text: action.draft.text.slice(0, 2000) } : {}),
      });
      if (!asked.ok) return refused(asked);
      return { type: 'question_created', requestId: action.requestId, questionId: asked.value.question.id };
    } catch (err) {
      return failed('error', err);
    }
  }

  return { ask };
}
