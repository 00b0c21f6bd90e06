import { createHash } from 'node:crypto';
import type { ServerToClientEvents } from '@tutorline/contracts';
import { type InboundEvent, type MediaFetcher, type WebhookBatch, type WhatsAppProvider } from '../../integrations/whatsapp';
import type { JobRunner } from '../../platform/jobs';
import type { EntitlementGranted } from '../billing';
import type { HelpService } from '../help';
import { type AuthUser, canAskOrBook, type IdentityService } from '../identity';
import { createLinking, type LinkAttempt } from './whatsapp.linking';
import { createAlertChannel } from './whatsapp.alerts';
import { subjectMenus } from './whatsapp.subjects';
import { asWhatsAppUser, createAsking } from './whatsapp.ask';
import { mirroredHelpEvent, type SystemJob, WA_INBOUND_QUEUE, WA_SYSTEM_QUEUE } from './whatsapp.jobs';
import { createOutbox, type OutboxDeps, toOutbound } from './whatsapp.outbox';
import type { ContactRow } from './whatsapp.repo';
import type { WhatsAppReports } from './whatsapp.ports';
import { runReportFlow } from './whatsapp.report';
import {
  decideStudent,
  decideTutor,
  defaultWhatsAppFlowConfig,
  messageLimits,
  parseStudentReplyId,
  parseTutorReplyId,
  type StudentAction,
  type StudentEvent,
  type StudentState,
  studentStateSchema,
  type TutorEvent,
  type WhatsAppFlowConfig,
} from './conversation';

/** Help's events that change a student's conversation (and, for a claim, tell alerted tutors it is taken). */
const MIRRORED_HELP_EVENTS = new Set<string>(['help:progress', 'help:claimed', 'help:closed', 'help:answered']);

/** The outbox's needs (repository, clock, logger, config, sender, send rate, poke) and the conversation's. */
export interface WhatsAppDeps extends OutboxDeps {
  flow?: Partial<WhatsAppFlowConfig>;
  media: MediaFetcher;
  identity: IdentityService;
  help: HelpService;
  /** Reports from WhatsApp (#20): the safety module's, through the port. */
  reports: WhatsAppReports;
  publicUrl: string;
  /** The server's signing secret: link codes are stored as HMACs under it. */
  secret: string;
  /** Draws a link code (tests force collisions); six random digits by default. */
  drawLinkCode?: () => string;
}

/**
 * Consecutive text replies of one decision go as one message: separate sends are separate jobs, and WhatsApp shows
 * them in the order they arrive, which need not be the order they were queued.
 */
function joinTexts(actions: StudentAction[]): StudentAction[] {
  const out: StudentAction[] = [];
  for (const a of actions) {
    const prev = out.at(-1);
    if (a.type === 'reply' && a.message.kind === 'text' && prev?.type === 'reply' && prev.message.kind === 'text' && prev.message.text.length + a.message.text.length + 2 <= messageLimits.textChars) {
      out[out.length - 1] = { type: 'reply', message: { kind: 'text', text: `${prev.message.text}\n\n${a.message.text}` } };
    } else out.push(a);
  }
  return out;
}

/** A stable UUID from a string: the same inbound message always asks with the same request id. */
function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}


type StoredEvent = Omit<Extract<InboundEvent, { kind: 'message' }>, 'at'> & { at: string };

/**
 * WhatsApp as another way into instant help: the webhook stores each delivery once and answers at once; jobs then run
 * each number's conversation (conversation/: the pure machines) and send replies through a durable outbox, one row per logical
 * message, retried with back-off on 5xx/timeouts and never on other 4xx.
 */
export function createWhatsApp(deps: WhatsAppDeps) {
  const { repo, clock, logger, config } = deps;
  const flow: WhatsAppFlowConfig = { ...defaultWhatsAppFlowConfig, ...deps.flow };
  const asUser = asWhatsAppUser;
  const { subjects, askable } = subjectMenus(deps);
  const joinUrl = async (userId: string, sessionId: string) => `${deps.publicUrl}/l/${await deps.identity.createLoginLink(userId, `/session/${sessionId}`)}`;

  // ---- outbound: every send goes through the outbox ----
  const outbox = createOutbox(deps);
  const queueMessage = outbox.queue;
  const { ask } = createAsking({ identity: deps.identity, help: deps.help, media: deps.media, logger, publicUrl: deps.publicUrl });
  const linking = createLinking({ repo, clock, logger, secret: deps.secret, ...(deps.drawLinkCode ? { drawCode: deps.drawLinkCode } : {}) });

  // ---- inbound ----
  /**
   * The webhook: stores each event once (a repeat is dropped) and queues it, all in one transaction, with the POST's
   * raw bytes when it brought something new or something unreadable. Unreadable items are logged, never refused.
   */
  async function receive(delivery: { provider: WhatsAppProvider; raw: Uint8Array; batch: WebhookBatch }): Promise<{ accepted: number; repeats: number; skipped: number }> {
    const { provider, batch } = delivery;
    let accepted = 0;
    let repeats = 0;
    let deliveryId: number | null = null;
    const now = clock.now();
    await repo.db.transaction(async (tx) => {
      const id = await repo.addDelivery(tx, { provider, rawBody: delivery.raw, skipped: batch.skipped.length, receivedAt: now });
      for (const e of batch.events) {
        const dedupeKey = e.kind === 'message' ? `msg:${e.provider}:${e.id}` : `status:${e.provider}:${e.id}:${e.status}`;
        const inboxId = await repo.addToInbox(tx, { provider: e.provider, dedupeKey, event: { ...e, at: e.at.toISOString() }, deliveryId: id, receivedAt: now });
        if (inboxId === null) {
          repeats++;
          continue;
        }
        accepted++;
        await WA_INBOUND_QUEUE.enqueue(tx, { inboxId }, { now, dedupeKey: `wa.inbound:${inboxId}` });
      }
      // A pure repeat (or only events we ignore) keeps no copy.
      if (accepted || batch.skipped.length) deliveryId = id;
      else await repo.dropDelivery(tx, id);
    });
    if (accepted) deps.poke();
    for (const s of batch.skipped) {
      logger.warn({ event: 'webhook_message_unsupported', provider, deliveryId, where: s.where, reason: s.reason }, 'a message or status in a webhook could not be read; the rest was stored');
    }
    logger.info({ event: 'whatsapp_webhook', accepted, repeats, skipped: batch.skipped.length, deliveryId }, 'whatsapp webhook stored');
    return { accepted, repeats, skipped: batch.skipped.length };
  }

  /** The wa.inbound job: one stored delivery. */
  async function processInbound(payload: { inboxId: number }) {
    const row = await repo.inboxRow(payload.inboxId);
    if (!row || row.processedAt) return;
    const event = row.event as unknown as (StoredEvent & { kind: 'message' }) | { kind: 'status'; id: string; status: 'sent' | 'delivered' | 'read' | 'failed'; error: Record<string, unknown> | null };
    if (event.kind === 'status') {
      const outcome = await repo.applyStatus(event.id, event.status, event.error, clock.now());
      logger.info({ event: 'whatsapp_status', providerMessageId: event.id, status: event.status, outcome }, 'whatsapp delivery status');
    } else {
      await handleMessage(event, `inbox:${row.id}`);
    }
    await repo.markProcessed(row.id, clock.now());
  }

  async function handleMessage(e: StoredEvent, key: string) {
    const contact = await repo.touchContact(e.from, { profileName: e.profileName, inboundAt: new Date(e.at), now: clock.now() });
    const m = e.message;
    const text = m.type === 'text' ? m.text.trim() : null;
    logger.info({ event: 'whatsapp_message', waId: e.from, type: m.type, providerMessageId: e.id }, 'whatsapp message received');

    // Linking a number to a web account, in either direction, before anything else.
    const linkWithCode = text && /^link\s+(\d{6})$/i.exec(text);
    if (linkWithCode) return linkFromWhatsApp(e.from, linkWithCode[1]!, key);
    if (text && /^link$/i.test(text)) return offerLinkCode(e.from, key);

    let userId = contact.userId;
    if (!userId) {
      const student = await deps.identity.findOrCreateWhatsAppStudent(e.from, e.profileName);
      await repo.linkUser(e.from, student.id, clock.now());
      userId = student.id;
    }
    const user = await deps.identity.userById(userId);
    if (!user || user.disabled) return;
    // REPORT (#20): either party reports the other of their last session; the flow holds the number until it ends.
    if ((user.role === 'tutor' || user.role === 'student') && (await runReportFlow({ repo, clock, logger, reports: deps.reports, queueMessage }, contact, user.id, text, key))) return;
    if (user.role === 'tutor') return runTutor(e.from, user, tutorEventOf(e), key);
    if (user.role === 'student') return runStudent(e.from, studentEventOf(e), key);
    await queueMessage(e.from, { type: 'text', text: 'This number belongs to a staff account. Please use the website.' }, `${key}:staff`, 'reply');
  }

  function studentEventOf(e: StoredEvent): StudentEvent {
    const m = e.message;
    switch (m.type) {
      case 'text':
        return { type: 'text', text: m.text };
      case 'image':
        return { type: 'photo', media: { ...(m.mediaId ? { mediaId: m.mediaId } : {}), ...(m.mediaUrl ? { mediaUrl: m.mediaUrl } : {}) }, caption: m.caption };
      case 'button':
      case 'list':
        return parseStudentReplyId(m.replyId) ?? { type: 'unsupported' };
      default:
        return { type: 'unsupported' };
    }
  }
  function tutorEventOf(e: StoredEvent): TutorEvent {
    const m = e.message;
    if (m.type === 'text') return { type: 'text', text: m.text };
    if (m.type === 'button' || m.type === 'list') return parseTutorReplyId(m.replyId) ?? { type: 'unsupported' };
    return { type: 'unsupported' };
  }

  // ---- students ----
  function readState(contact: ContactRow): StudentState {
    const parsed = studentStateSchema.safeParse(contact.state);
    if (parsed.success) return parsed.data;
    logger.warn({ event: 'whatsapp_state_unreadable', waId: contact.waId }, 'stored conversation state did not parse; starting over');
    return { name: 'idle' };
  }

  /** Applies one event to a number's conversation (retrying if another event moved it meanwhile), then its actions. */
  async function runStudent(waId: string, event: StudentEvent, key: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const contact = await repo.contact(waId);
      if (!contact?.userId) return;
      const user = await deps.identity.userById(contact.userId);
      if (!user) return;
      const state = readState(contact);
      const now = clock.now();
      // What identity knows now: an age on record, and whether the student may ask (a guardian's consent under 13).
      const student = { ageKnown: user.birthDate !== null, mayAsk: canAskOrBook(user, now), guardianContact: user.guardianContact };
      const decision = decideStudent(state, event, { now, subjects: await askable(), newRequestId: uuidFrom(key), config: flow, student });
      if (decision.forbidden) {
        logger.info({ event: 'whatsapp_transition_ignored', waId, state: decision.state, input: decision.event, reason: decision.reason }, 'conversation event does not apply now');
        return;
      }
      if (!(await repo.saveState(waId, contact.version, decision.state as unknown as Record<string, unknown>, now))) continue;
      if (decision.state.name !== state.name) logger.info({ event: 'whatsapp_transition', waId, from: state.name, to: decision.state.name, input: event.type }, 'conversation moved');
      for (const [i, action] of joinTexts(decision.actions).entries()) await perform(waId, contact.userId, action, `${key}:${i}`);
      return;
    }
    throw new Error(`conversation of ${waId} kept changing under us`);
  }

  async function perform(waId: string, userId: string, action: StudentAction, key: string) {
    switch (action.type) {
      case 'reply':
        return queueMessage(waId, toOutbound(action.message), key, 'student.reply');
      case 'schedule_timeout':
        await WA_SYSTEM_QUEUE.enqueue(repo.db, { waId, event: { type: 'timeout' }, key }, { now: clock.now(), runAt: new Date(action.at), dedupeKey: `wa.timeout:${waId}:${action.at}` });
        return;
      case 'ask_question': {
        const result = await ask(userId, action);
        return runStudent(waId, result, `${key}:asked`);
      }
      case 'cancel_question': {
        const user = await deps.identity.userById(userId);
        if (!user) return;
        const r = await deps.help.cancelQuestion(asUser(user), action.questionId);
        // Already taken or closed (any reason): the help events tell the conversation what happened.
        if (!r.ok) logger.info({ event: 'whatsapp_cancel_refused', waId, questionId: action.questionId, reason: r.reason }, 'cancel from whatsapp did not apply');
        return;
      }
      case 'record_rating': {
        const user = await deps.identity.userById(userId);
        if (!user) return;
        const r = await deps.help.rateQuestion(asUser(user), action.questionId, { stars: action.stars });
        if (!r.ok) logger.info({ event: 'whatsapp_rating_refused', waId, questionId: action.questionId, reason: r.reason }, 'rating from whatsapp not recorded');
        return;
      }
      case 'record_age': {
        const { mayAsk } = await deps.identity.recordBirthDate(userId, action.birthDate);
        return runStudent(waId, { type: 'age_recorded', mayAsk }, `${key}:age`);
      }
      case 'record_guardian':
        await deps.identity.recordGuardianContact(userId, action.contact);
        return;
    }
  }

  /** Billing: a payment or plan now lets this student ask; a question held for payment goes out (the machine decides). */
  async function onEntitlementGranted(e: EntitlementGranted) {
    const contact = await repo.contactOfUser(e.studentId);
    if (contact) await runStudent(contact.waId, { type: 'paid' }, `paid:${e.ref}`);
  }

  // ---- tutors ----
  async function runTutor(waId: string, user: AuthUser['user'], event: TutorEvent, key: string) {
    const decision = decideTutor({ name: 'ready' }, event);
    for (const [i, action] of decision.actions.entries()) {
      if (action.type === 'reply') await queueMessage(waId, toOutbound(action.message), `${key}:${i}`, 'tutor.reply');
      // "online" on WhatsApp means: send me questions here even when the app is closed.
      else if (action.type === 'set_availability') await deps.help.setAvailability(asUser(user), action.online, action.online);
      else if (action.type === 'claim') {
        // Help's reason goes to the tutor machine as it is: the machine words each reason (decision 039).
        const claimed = await deps.help.claimQuestion(asUser(user), action.questionId);
        const result: TutorEvent = claimed.ok
          ? { type: 'claim_result', questionId: action.questionId, result: 'won', joinUrl: await joinUrl(user.id, claimed.value.sessionId) }
          : { type: 'claim_result', questionId: action.questionId, result: claimed.reason };
        await runTutor(waId, user, result, `${key}:${i}:claim`);
      }
    }
  }

  // ---- events from instant help (the same ones the web app gets over Socket.IO) ----
  /** Mirrors help's socket events to the WhatsApp numbers of the users they are for, as durable jobs. */
  async function onHelpEvent<E extends keyof ServerToClientEvents>(userIds: string[], event: E, payload: Parameters<ServerToClientEvents[E]>[0]) {
    // Only what the conversation reacts to: a wave's feed items (to every notified tutor) reach WhatsApp through the
    // notification outbox instead, so looking up thousands of tutors' numbers here would be work for nothing.
    if (!MIRRORED_HELP_EVENTS.has(event)) return;
    const contacts = await repo.contactsOfUsers(userIds);
    if (!contacts.length && event !== 'help:claimed') return;
    const p = mirroredHelpEvent.parse(payload);
    for (const c of contacts) {
      const jobKey = `${event}:${p.questionId}:${c.waId}:${p.wave ?? p.status ?? ''}`;
      await WA_SYSTEM_QUEUE.enqueue(repo.db, { waId: c.waId, help: { event, payload: p }, key: `help:${jobKey}` }, { now: clock.now(), dedupeKey: `wa.help:${jobKey}` });
    }
    if (event === 'help:claimed') {
      // Tutors alerted on WhatsApp learn it is gone (the winner gets the join link instead).
      const alerted = await repo.alertedNumbers(p.questionId);
      const winner = contacts.find((c) => c.userId === p.tutor?.id)?.waId ?? (p.tutor ? (await repo.contactOfUser(p.tutor.id))?.waId : undefined);
      for (const waId of alerted.filter((w) => w !== winner)) {
        await queueMessage(waId, { type: 'text', text: 'Another tutor accepted this question first. The next one will come here — keep an eye out!' }, `taken:${p.questionId}:${waId}`, 'tutor.taken', p.questionId);
      }
    }
    deps.poke();
  }

  /** The wa.system job: a help event or a timer for one number. */
  async function processSystem(payload: SystemJob) {
    const contact = await repo.contact(payload.waId);
    if (!contact?.userId) return;
    const user = await deps.identity.userById(contact.userId);
    if (!user) return;
    if (payload.event) return runStudent(payload.waId, payload.event, payload.key);
    const h = payload.help!;
    const p = h.payload;
    if (user.role === 'student') {
      let event: StudentEvent | null = null;
      if (h.event === 'help:progress') event = { type: 'wave', questionId: p.questionId, notifiedCount: p.notifiedCount ?? 0 };
      if (h.event === 'help:claimed' && p.sessionId) event = { type: 'claimed', questionId: p.questionId, sessionId: p.sessionId, tutorName: p.tutor?.displayName ?? 'Your tutor', joinUrl: await joinUrl(user.id, p.sessionId) };
      if (h.event === 'help:closed') {
        event = p.status === 'cancelled' ? { type: 'cancelled', questionId: p.questionId } : { type: 'expired', questionId: p.questionId, ...(p.reason ? { reason: p.reason, refunded: p.refunded ?? false } : {}) };
      }
      if (h.event === 'help:answered') event = { type: 'session_ended', questionId: p.questionId };
      if (event) await runStudent(payload.waId, event, payload.key);
    }
    // Tutors: a claim they made on the web needs no WhatsApp message; 'help:taken' is sent above for alerted tutors.
  }

  // ---- tutors' new-question alerts: the notification outbox's WhatsApp channel (whatsapp.alerts.ts) ----
  const channel = createAlertChannel({ repo, clock, logger, config, help: deps.help, outbox, subjects });

  // ---- linking a number to a web account (whatsapp.linking.ts: codes, limits, the sweep) ----
  /** From the web: a logged-in user gets a code to send from their WhatsApp ("link 123456"). */
  async function createWebLinkCode(userId: string): Promise<{ code: string; expiresAt: string }> {
    const { code, expiresAt } = await linking.issueForUser(userId);
    return { code, expiresAt: expiresAt.toISOString() };
  }
  async function linkFromWhatsApp(waId: string, code: string, key: string) {
    const r = await linking.tryFromWhatsApp(waId, code);
    if (!r.ok) {
      const text =
        r.reason === 'rate_limited'
          ? `Too many tries with link codes. Please wait ${Math.ceil(r.retryAfterSeconds / 60)} minutes, then get a new code on the website and send “link” and the code again.`
          : 'That code did not work or has expired. Get a new one on the website and send “link” and the code again.';
      await queueMessage(waId, { type: 'text', text }, `${key}:link`, 'reply');
      return;
    }
    await linkNumber(waId, r.value.userId);
    await queueMessage(waId, { type: 'text', text: '✅ This WhatsApp number is now linked to your Tutorline account.' }, `${key}:link`, 'reply');
  }
  /** From WhatsApp: "link" gets a code to type on the website. */
  async function offerLinkCode(waId: string, key: string) {
    const { code } = await linking.issueForNumber(waId);
    await queueMessage(waId, { type: 'text', text: `Your code is ${code}. Log in on the Tutorline website and enter it under “Link WhatsApp” within 10 minutes.` }, `${key}:code`, 'reply');
  }
  /** On the web: a logged-in user types the code their WhatsApp got (limited per account and per client IP). */
  async function linkWithCodeFromWeb(userId: string, code: string, ip: string): Promise<LinkAttempt<{ waId: string }>> {
    const r = await linking.tryFromWeb(userId, ip, code);
    if (r.ok) await linkNumber(r.value.waId, userId);
    return r;
  }
  async function linkNumber(waId: string, userId: string) {
    const other = await repo.contactOfUser(userId);
    if (other && other.waId !== waId) await repo.linkUser(other.waId, null, clock.now());
    await repo.linkUser(waId, userId, clock.now());
    logger.info({ event: 'whatsapp_linked', waId, userId }, 'whatsapp number linked to an account');
  }

  return {
    receive,
    processInbound,
    processSystem,
    send: outbox.send,
    onHelpEvent,
    onEntitlementGranted,
    channel,
    createWebLinkCode,
    linkWithCodeFromWeb,
    /** Registers the sweep of expired link codes and tries (every 10 minutes). */
    installLinkSweep: (jobs: JobRunner) => linking.installSweep(jobs),
    sweepLinkCodes: () => linking.sweep(),
    /** Links a number straight away (demo data, tests). */
    linkNumber,
    /** What "online" on WhatsApp does: new questions come to this tutor's number even with the app closed (demo tutors). */
    async alertsOn(userId: string) {
      const user = await deps.identity.userById(userId);
      if (user?.role === 'tutor') await deps.help.setAvailability(asUser(user), true, true);
    },
    /** A text to any number through the outbox (a guardian's link or code, issue #20); `key` makes a repeat a no-op. */
    async sendText(waId: string, text: string, key: string, kind: string) {
      await queueMessage(waId, { type: 'text', text }, key, kind);
    },
    async linkedNumber(userId: string) {
      return (await repo.contactOfUser(userId))?.waId ?? null;
    },
    failedMessages: (limit = 100) => repo.failedMessages(limit),
  };
}
export type WhatsApp = ReturnType<typeof createWhatsApp>;

