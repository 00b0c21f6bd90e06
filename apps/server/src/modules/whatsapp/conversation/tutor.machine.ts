import type { ClaimRefusal } from '../../help';
import { claimRefused, tutorSay } from './copy';
import { classifyTutorText, type TutorTextIntent } from './intents';
import { type OutboundMessageSpec, text } from './limits';

/**
 * Tutor numbers keep no conversation: every message is answered on its own (availability lives in the help module,
 * claims are decided by it), so the only state is `ready`. Written, like the student's, as state → event kind →
 * handler; the transition table is derived from it.
 */
export type TutorState = { name: 'ready' };
export const tutorStateNames = ['ready'] as const satisfies readonly TutorState['name'][];

export type TutorEvent =
  | { type: 'text'; text: string }
  | { type: 'accept'; questionId: string }
  | { type: 'unsupported' }
  | { type: 'claim_result'; questionId: string; result: 'won'; joinUrl: string }
  /** `result`: help's reason the Accept did not win (decision 039), worded by the reason alone (copy.ts claimRefused). */
  | { type: 'claim_result'; questionId: string; result: ClaimRefusal };
export const tutorEventTypes = ['text', 'accept', 'unsupported', 'claim_result'] as const satisfies readonly TutorEvent['type'][];

export type TutorEventKind = Exclude<TutorEvent['type'], 'text'> | `text:${TutorTextIntent}`;
export const tutorEventKinds: readonly TutorEventKind[] = ['text:online', 'text:offline', 'text:help', 'text:other', 'accept', 'unsupported', 'claim_result'];
export const tutorEventKind = (e: TutorEvent): TutorEventKind => (e.type === 'text' ? `text:${classifyTutorText(e.text)}` : e.type);

export type TutorAction =
  | { type: 'reply'; message: OutboundMessageSpec }
  | { type: 'set_availability'; online: boolean }
  /** Claim through the help service; feed its outcome back as `claim_result`. */
  | { type: 'claim'; questionId: string };

export type TutorDecision = { forbidden: false; state: TutorState; actions: TutorAction[] };

type TutorEventOf<K extends TutorEventKind> = K extends `text:${string}` ? Extract<TutorEvent, { type: 'text' }> : Extract<TutorEvent, { type: K }>;
interface TutorHandler<E extends TutorEvent> {
  readonly to: readonly TutorState['name'][];
  readonly run: (event: E) => TutorAction[];
}
type TutorMachine = { readonly [S in TutorState['name']]: { readonly [K in TutorEventKind]: TutorHandler<TutorEventOf<K>> } };

const say = (t: string): TutorAction => ({ type: 'reply', message: text(t) });

export const tutorMachine: TutorMachine = {
  ready: {
    'text:online': { to: ['ready'], run: () => [{ type: 'set_availability', online: true }, say(tutorSay.online)] },
    'text:offline': { to: ['ready'], run: () => [{ type: 'set_availability', online: false }, say(tutorSay.offline)] },
    'text:help': { to: ['ready'], run: () => [say(tutorSay.help)] },
    'text:other': { to: ['ready'], run: () => [say(tutorSay.other)] },
    unsupported: { to: ['ready'], run: () => [say(tutorSay.unsupported)] },
    accept: { to: ['ready'], run: (e) => [{ type: 'claim', questionId: e.questionId }] },
    claim_result: { to: ['ready'], run: (e) => [say(e.result === 'won' ? tutorSay.won(e.joinUrl) : claimRefused[e.result])] },
  },
};

/** Stateless: every event keeps `ready`; nothing is forbidden. Derived from the handlers' `to`. */
export const tutorTransitions = Object.fromEntries(
  tutorStateNames.map((s) => [s, Object.fromEntries(tutorEventKinds.map((k) => [k, tutorMachine[s][k].to]))]),
) as Record<TutorState['name'], Record<TutorEventKind, readonly TutorState['name'][]>>;

export function decideTutor(state: TutorState, event: TutorEvent): TutorDecision {
  const handler = tutorMachine[state.name][tutorEventKind(event)] as TutorHandler<TutorEvent>;
  return { forbidden: false, state, actions: handler.run(event) };
}
