/**
 * The WhatsApp conversation machines, pure (no I/O, no clock: the caller passes the time in, performs the returned
 * actions and stores the returned state). One file per concern: limits.ts (what WhatsApp lets us send), intents.ts
 * (free text), copy.ts (every word), menus.ts (lists, buttons, reply ids), student.state.ts (the stored state, events
 * and actions), student.machine.ts and tutor.machine.ts (state → event → handler; the transition tables derived).
 */
export { claimRefused, expiredWords, type QuestionFailure } from './copy';
export { classifyText, classifyTutorText, type TextIntent, textIntents, type TutorTextIntent } from './intents';
export { fit, type ListRow, messageLimitProblems, messageLimits, type OutboundMessageSpec } from './limits';
export { LEVEL_ROWS_MAX, levelLabel, type MenuSubject, parseStudentReplyId, parseTutorReplyId, SUBJECT_ROWS_PER_PAGE, toMenuSubjects, tutorQuestionAlert } from './menus';
export { decideStudent, type StudentMachine, studentMachine, studentTransitions } from './student.machine';
export { studentPrompt } from './student.prompts';
export {
  defaultWhatsAppFlowConfig,
  type Draft,
  draftSchema,
  type ForbiddenReason,
  initialStudentState,
  MAX_QUESTION_TEXT,
  type MediaRef,
  mediaRefSchema,
  type Outcome,
  questionFailureOf,
  type StudentAction,
  type StudentContext,
  type StudentDecision,
  type StudentEvent,
  studentEventKind,
  type StudentEventKind,
  studentEventKinds,
  studentEventTypes,
  type StudentState,
  type StudentStateName,
  studentStateNames,
  studentStateSchema,
  type WhatsAppFlowConfig,
} from './student.state';
export {
  decideTutor,
  type TutorAction,
  type TutorDecision,
  type TutorEvent,
  tutorEventKind,
  type TutorEventKind,
  tutorEventKinds,
  tutorEventTypes,
  tutorMachine,
  type TutorState,
  tutorStateNames,
  tutorTransitions,
} from './tutor.machine';
export { decideReport, isReportKeyword, type ReportFlow, reportFlowSchema } from './report.machine';
