import type { FastifyReply } from 'fastify';
import type { PickerOptions } from './lti.deeplink.catalogue';
import { LESSON_LENGTHS } from './lti.deeplink.rules';
import { escape, page } from './lti.pages';

/**
 * The headers of a page shown inside the LMS (launch, picker, first-launch choice, refusals): framed only by the
 * registration's platform origins ('none' when unknown), forms posted to ourselves and, for the deep-link answer, to
 * the platform's return URL. The global hook leaves a document's own policy alone, so X-Frame-Options is not added.
 */
export function framedPage(reply: FastifyReply, frameOrigins: readonly string[], formTargets: readonly string[] = []): FastifyReply {
  const ancestors = frameOrigins.length ? frameOrigins.join(' ') : "'none'";
  const forms = ["'self'", ...formTargets].join(' ');
  return reply
    .type('text/html')
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action ${forms}; frame-ancestors ${ancestors}`,
    )
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff');
}

const lengthOptions = LESSON_LENGTHS.map((m) => `<option value="${m}"${m === 60 ? ' selected' : ''}>${m} minutes</option>`).join('');
const scoreFields = `<label class="row"><input type="checkbox" name="lineItem"> Add a gradebook column for a score</label>
<label>Score out of <input name="scoreMaximum" type="number" min="1" max="1000" value="100" inputmode="numeric"></label>`;

function card(token: string, kind: string, heading: string, what: string, fields: string): string {
  return `<form class="card" method="post" action="/lti/deeplink/respond" data-kind="${kind}"><h2>${heading}</h2><p class="hint">${what}</p>
<input type="hidden" name="token" value="${escape(token)}"><input type="hidden" name="kind" value="${kind}">${fields}
<label>Title in the course (optional) <input name="title" maxlength="120"></label>${scoreFields}
<button type="submit" data-testid="dl-add-${kind}">Add to course</button></form>`;
}

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const optionList = (items: { value: string; label: string }[]) => items.map((i) => `<option value="${escape(i.value)}">${escape(i.label)}</option>`).join('');
const subjectOptions = (o: PickerOptions) => optionList(o.subjects.map((s) => ({ value: s.id, label: s.name })));

/** A required select, or a line saying there is nothing to choose (the search found none). */
function choose(name: string, label: string, items: { value: string; label: string }[], none: string): string {
  if (!items.length) return `<p class="hint" data-testid="dl-none-${name}">${escape(none)}</p>`;
  return `<label>${escape(label)} <select name="${name}" required data-testid="dl-${name}">${optionList(items)}</select></label>`;
}

/**
 * The picker course staff see on a deep-linking request: mobile-first, one card per kind of item, no script. Tutors,
 * classes and series are real items in selects (by name and title); the search narrows them (POST, so the one-time
 * token stays out of URLs and logs).
 */
export function pickerPage(token: string, courseTitle: string | null, problem: string | null, o: PickerOptions): string {
  const style = `<style>.card{border:1px solid #d0d5dd;border-radius:.6rem;padding:.9rem;margin:1rem 0}.card h2{font-size:1.05rem;margin:0 0 .3rem}
label{display:block;margin:.55rem 0;font-size:.95rem}input:not([type=checkbox]),select{display:block;width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;margin-top:.2rem;border:1px solid #98a2b3;border-radius:.4rem}
label.row{display:flex;gap:.5rem;align-items:center}button{width:100%;padding:.7rem;font-size:1rem;border:0;border-radius:.45rem;background:#1d4ed8;color:#fff;margin-top:.4rem}
.hint{color:#475467;font-size:.9rem;margin:0}.problem{background:#fef3f2;border:1px solid #fda29b;padding:.6rem;border-radius:.4rem}</style>`;
  return page(
    'Add Tutorline to your course',
    `${style}<h1>Add Tutorline to ${escape(courseTitle ?? 'your course')}</h1><p>Choose what your learners get when they open this link.</p>
${problem ? `<p class="problem" role="alert" data-testid="dl-problem">${escape(problem)}</p>` : ''}
<form class="card" method="post" action="/lti/deeplink/search" role="search"><input type="hidden" name="token" value="${escape(token)}">
<label>Find a tutor by name, or a class by title <input name="q" type="search" value="${escape(o.query)}" maxlength="80" data-testid="dl-search"></label>
<button type="submit" data-testid="dl-search-go">Search</button>${o.query ? `<p class="hint">Showing matches for “${escape(o.query)}”.</p>` : ''}</form>
${card(token, 'instant', 'Instant help', 'Learners land on the ask page with the subject set.', `<label>Subject <select name="subject" required data-testid="dl-instant-subject">${subjectOptions(o)}</select></label>`)}
${card(token, 'book', 'Book tutoring', 'Learners pick a slot in their own time zone, with your tutor or any tutor of the subject.', `<label>Tutor <select name="tutorId" data-testid="dl-tutorId"><option value="">Any tutor of the subject below (a pool)</option>${optionList(o.tutors.map((t) => ({ value: t.id, label: t.displayName })))}</select></label>${o.query && !o.tutors.length ? `<p class="hint">No tutor’s name matches “${escape(o.query)}”.</p>` : ''}<label>Subject, for a pool of tutors <select name="subject" data-testid="dl-book-subject"><option value="">Choose a subject</option>${subjectOptions(o)}</select></label><label>Lesson length <select name="minutes" data-testid="dl-minutes">${lengthOptions}</select></label>`)}
${card(token, 'class', 'A group class', 'Learners land on the class and take a seat.', choose('classId', 'Class', o.classes.map((c) => ({ value: c.id, label: `${c.title} · ${when(c.startsAt)}` })), o.query ? `No upcoming class title matches “${o.query}”.` : 'No upcoming group classes yet.'))}
${card(token, 'series', 'A series of classes', 'Learners land on the series.', choose('seriesId', 'Series', o.series.map((c) => ({ value: c.id, label: `${c.title} · from ${when(c.startsAt)}` })), o.query ? `No upcoming series title matches “${o.query}”.` : 'No upcoming class series yet.'))}`,
  );
}

/** The signed answer, posted by the browser to the platform's return URL (autosubmit.js; a button if scripts are off). */
export function deepLinkReturnPage(returnUrl: string, jwt: string, title: string): string {
  return page(
    'Returning to your course',
    `<h1>Adding “${escape(title)}” to your course</h1><form method="post" action="${escape(returnUrl)}" data-autosubmit><input type="hidden" name="JWT" value="${escape(jwt)}"><button type="submit">Back to the course</button></form><script src="/lti/autosubmit.js"></script>`,
  );
}

const choiceStyle = `<style>.choice{display:block;box-sizing:border-box;width:100%;padding:.75rem;font-size:1rem;border-radius:.45rem;text-align:center;border:0;background:#1d4ed8;color:#fff;text-decoration:none;margin:.6rem 0}
.choice.secondary{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}</style>`;

/**
 * A first launch: nothing is made until the person chooses. "I already have an account" opens in its own window
 * (first-party, so the log-in's cookie works even where the LMS frames us), then links; "Continue" makes a new one.
 */
export function chooseAccountPage(linkToken: string, emailTaken: boolean): string {
  const linkUrl = `/lti/link?token=${encodeURIComponent(linkToken)}`;
  return page(
    'Welcome to Tutorline',
    `${choiceStyle}<h1>Welcome to Tutorline</h1>${emailTaken ? '<p data-testid="lti-email-taken">Your school sent an email that already belongs to a Tutorline account. Log in to use that account from your course.</p>' : '<p>Do you already use Tutorline? Link your account to this course, or start fresh.</p>'}
<p><a class="choice secondary" href="${escape(linkUrl)}" target="_blank" rel="opener" data-testid="lti-link-existing">I already have an account</a></p>
<form method="post" action="/lti/link/new"><input type="hidden" name="token" value="${escape(linkToken)}"><button class="choice" type="submit" data-testid="lti-continue-new">Continue as a new user</button></form>
<p class="code">Link code (valid 15 minutes): <code data-testid="lti-link-code">${escape(linkToken)}</code></p>`,
  );
}

/** The existing-account side: confirm the link while logged in (the session decides whose account it is). */
export function confirmExistingPage(linkToken: string, who: string | null): string {
  if (!who) {
    const next = `/lti/link?token=${encodeURIComponent(linkToken)}`;
    return page('Log in to link your account', `<h1>Log in to link your account</h1><p>Log in to Tutorline, then confirm the link to your course.</p><p><a data-testid="lti-login" href="/login?next=${encodeURIComponent(next)}">Log in</a></p>`);
  }
  return page(
    'Link your account',
    `<h1>Link your course to ${escape(who)}</h1><p>From now on, opening Tutorline from this course signs you in as this account.</p>
<form method="post" action="/lti/link/confirm"><input type="hidden" name="token" value="${escape(linkToken)}"><button type="submit" data-testid="lti-confirm-link">Link my account</button></form>`,
  );
}
