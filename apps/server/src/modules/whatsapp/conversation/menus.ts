import { menuWords, prompts, tutorSay } from './copy';
import { fit, type ListRow, messageLimits, type OutboundMessageSpec, text } from './limits';
import type { StudentEvent } from './student.state';
import type { TutorEvent } from './tutor.machine';

/**
 * The interactive messages: the subject and level lists (paginated to WhatsApp's 10 rows), the confirm buttons, the
 * rating list and the tutor's alert, and the reply ids their buttons and rows send back.
 */

export interface MenuSubject {
  id: string;
  name: string;
  levels: { id: string; name: string }[];
}

/** "grade-9-10" → "Grade 9–10", "university" → "University" (as the web app shows them). */
export function levelLabel(level: string): string {
  const grades = /^grade-(\d+)(?:-(\d+))?$/.exec(level);
  if (grades) return grades[2] ? `Grade ${grades[1]}–${grades[2]}` : `Grade ${grades[1]}`;
  const words = level.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The subjects catalogue (levels as ids) as the menu needs it. */
export function toMenuSubjects(catalogue: { id: string; name: string; levels: string[] }[]): MenuSubject[] {
  return catalogue.map((s) => ({ id: s.id, name: s.name, levels: s.levels.map((l) => ({ id: l, name: levelLabel(l) })) }));
}

/** A list shows 10 rows; with more subjects than that, each page shows 9 and a row to the next page. */
export const SUBJECT_ROWS_PER_PAGE = 9;
/** Levels of one subject shown at most (plus a row back to the subjects); the catalogue has at most 5. */
export const LEVEL_ROWS_MAX = 9;

// ---------- reply ids (what buttons and list rows send back) ----------

export const ids = {
  page: (n: number) => `subjects:page:${n}`,
  subject: (subjectId: string) => `subject:${subjectId}`,
  subjectLevel: (subjectId: string, level: string) => `subject:${subjectId}:${level}`,
  confirm: 'confirm',
  changeSubject: 'change_subject',
  cancel: 'cancel',
  rate: (stars: number) => `rate:${stars}`,
  accept: (questionId: string) => `accept:${questionId}`,
  tutorOffline: 'tutor:offline',
};

/** The event a student's button or list reply stands for; null for an id this machine never sent. */
export function parseStudentReplyId(id: string): StudentEvent | null {
  if (id === ids.confirm) return { type: 'confirm' };
  if (id === ids.changeSubject) return { type: 'change_subject' };
  if (id === ids.cancel) return { type: 'text', text: 'cancel' };
  let m = /^subjects:page:(\d{1,3})$/.exec(id);
  if (m) return { type: 'subject_page', page: Number(m[1]) };
  m = /^rate:([1-5])$/.exec(id);
  if (m) return { type: 'rating', stars: Number(m[1]) };
  m = /^subject:([^:]+)(?::([^:]+))?$/.exec(id);
  if (m) return m[2] ? { type: 'subject_chosen', subjectId: m[1]!, level: m[2] } : { type: 'subject_picked', subjectId: m[1]! };
  return null;
}

/** The event a tutor's button reply stands for; null for an id this machine never sent. */
export function parseTutorReplyId(id: string): TutorEvent | null {
  if (id === ids.tutorOffline) return { type: 'text', text: 'offline' };
  const m = /^accept:(.+)$/.exec(id);
  return m ? { type: 'accept', questionId: m[1]! } : null;
}

// ---------- the student's lists and buttons ----------

function subjectPages(subjects: MenuSubject[]): MenuSubject[][] {
  const usable = subjects.filter((s) => s.levels.length > 0);
  const per = usable.length <= messageLimits.listRows ? messageLimits.listRows : SUBJECT_ROWS_PER_PAGE;
  const pages: MenuSubject[][] = [];
  for (let i = 0; i < usable.length; i += per) pages.push(usable.slice(i, i + per));
  return pages;
}

const levelRange = (s: MenuSubject) => (s.levels.length === 1 ? s.levels[0]!.name : menuWords.levelRange(s.levels[0]!.name, s.levels.at(-1)!.name));

/** Step 1 of choosing: the subjects, paginated. A subject with one level is chosen in one tap. */
export function subjectList(subjects: MenuSubject[], page: number, body: string): OutboundMessageSpec {
  const pages = subjectPages(subjects);
  if (!pages.length) return text(menuWords.noSubjects(body));
  const p = Math.min(Math.max(0, Math.trunc(page)), pages.length - 1);
  const rows: ListRow[] = pages[p]!.map((s) => ({
    id: s.levels.length === 1 ? ids.subjectLevel(s.id, s.levels[0]!.id) : ids.subject(s.id),
    title: fit(s.name, messageLimits.rowTitleChars),
    description: fit(levelRange(s), messageLimits.rowDescriptionChars),
  }));
  if (pages.length > 1) {
    const next = p + 1 < pages.length ? p + 1 : 0;
    rows.push({
      id: ids.page(next),
      title: next ? menuWords.moreSubjects : menuWords.backToStart,
      description: fit(pages[next]!.map((s) => s.name).join(', '), messageLimits.rowDescriptionChars),
    });
  }
  return { kind: 'list', body: fit(body, messageLimits.bodyChars), button: menuWords.chooseSubject, sections: [{ title: menuWords.subjectsTitle(p + 1, pages.length), rows }] };
}

/** Step 2 of choosing: the levels of one subject. */
export function levelList(subject: MenuSubject): OutboundMessageSpec {
  const rows: ListRow[] = subject.levels
    .slice(0, LEVEL_ROWS_MAX)
    .map((l) => ({ id: ids.subjectLevel(subject.id, l.id), title: fit(l.name, messageLimits.rowTitleChars) }));
  rows.push({ id: ids.page(0), title: menuWords.otherSubject });
  return {
    kind: 'list',
    body: fit(prompts.whichLevel(subject.name), messageLimits.bodyChars),
    button: menuWords.chooseLevel,
    sections: [{ title: fit(subject.name, messageLimits.sectionTitleChars), rows }],
  };
}

/** "Send it to a tutor?" with Yes, Change subject and Cancel. */
export function confirmButtons(body: string): OutboundMessageSpec {
  return {
    kind: 'buttons',
    body: fit(body, messageLimits.bodyChars),
    buttons: [
      { id: ids.confirm, title: menuWords.yesSendIt },
      { id: ids.changeSubject, title: menuWords.changeSubject },
      { id: ids.cancel, title: menuWords.cancel },
    ],
  };
}

/** 1 to 5 stars as a list (WhatsApp allows only 3 reply buttons). */
export function ratingList(tutorName: string, lead = ''): OutboundMessageSpec {
  return {
    kind: 'list',
    body: fit(prompts.rate(lead, tutorName), messageLimits.bodyChars),
    button: menuWords.rate,
    sections: [{ title: menuWords.yourRating, rows: [5, 4, 3, 2, 1].map((n) => ({ id: ids.rate(n), title: menuWords.stars(n) })) }],
  };
}

// ---------- the tutor's alert ----------

/** The new-question alert a tutor gets (sent by the notification outbox): Accept, or pause alerts. */
export function tutorQuestionAlert(q: { questionId: string; subjectName: string; levelName: string; text: string | null; photoCount: number }): OutboundMessageSpec {
  const lines = [tutorSay.alertTitle(q.subjectName, q.levelName)];
  if (q.photoCount) lines.push(menuWords.photos(q.photoCount));
  if (q.text) lines.push(menuWords.quoted(q.text, 300));
  lines.push('', tutorSay.alertAction);
  return {
    kind: 'buttons',
    body: fit(lines.join('\n'), messageLimits.bodyChars),
    buttons: [
      { id: ids.accept(q.questionId), title: tutorSay.accept },
      { id: ids.tutorOffline, title: tutorSay.pauseAlerts },
    ],
  };
}
