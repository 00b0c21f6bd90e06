import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import { type IdentityRepo, hashPassword } from '../modules/identity';
import { createSchedulingRepo, seedDemoLessonHistory } from '../modules/scheduling';
import { seedDemoBilling } from '../modules/billing';
import { seedDemoClasses } from '../modules/classes';

export const DEMO_PASSWORD = 'tutorline-demo';
export const demoLogins = {
  admin: 'admin@tutorline.test',
  /** One account per staff role besides admin (least privilege, #18): what each role sees and is refused. */
  staff: 'ops@tutorline.test, support@tutorline.test, finance@tutorline.test',
  tutors: 'tutor01@tutorline.test … tutor25@tutorline.test',
  students: 'student01@tutorline.test … student50@tutorline.test',
  password: DEMO_PASSWORD,
};

const zones = ['Asia/Kolkata', 'Asia/Kolkata', 'Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Singapore', 'Africa/Nairobi'];
/** Languages by the tutor's zone: English everywhere, plus what is spoken there. */
const languagesByZone: Record<string, string[][]> = {
  'Asia/Kolkata': [['English', 'Hindi'], ['English', 'Hindi', 'Marathi'], ['English', 'Tamil'], ['English', 'Bengali', 'Hindi'], ['English', 'Telugu']],
  'America/New_York': [['English', 'Spanish'], ['English']],
  'Europe/London': [['English'], ['English', 'French'], ['English', 'Urdu']],
  'Australia/Sydney': [['English'], ['English', 'Mandarin']],
  'Asia/Singapore': [['English', 'Mandarin'], ['English', 'Malay']],
  'Africa/Nairobi': [['English', 'Swahili']],
};
const subjectNames: Record<string, string> = {
  maths: 'mathematics',
  physics: 'physics',
  chemistry: 'chemistry',
  biology: 'biology',
  english: 'English',
  'computer-science': 'computer science',
  accountancy: 'accountancy',
  economics: 'economics',
};
const backgrounds = [
  (s: string, y: number) => `I have taught ${s} for ${y} years, first in a CBSE school in Pune and now online. I start from what you already know and build up with worked examples until the hard questions feel routine.`,
  (s: string, y: number) => `Former engineer turned full-time ${s} tutor (${y} years). I help students prepare for board exams and JEE/NEET with short concept reviews, lots of practice and honest feedback on every attempt.`,
  (s: string, y: number) => `Secondary ${s} teacher with ${y} years in the classroom. Lessons are calm and structured: we fix the gaps first, then work past papers together. Patient with nervous students.`,
  (s: string, y: number) => `PhD student who loves ${s}. ${y} years of tutoring school and first-year university students; I use diagrams, the whiteboard and plenty of "why does this work?" to make ideas stick.`,
  (s: string, y: number) => `IB and IGCSE ${s} specialist (${y} years). I plan each lesson around your syllabus and exam dates, share notes after every session and set a little practice between lessons.`,
  (s: string, y: number) => `I make ${s} practical: real examples, small projects and step-by-step problem solving. ${y} years of tutoring, many of my students went from failing grades to confident A's.`,
];
/** Weekly availability patterns, as wall-clock times in the tutor's own zone. */
const weekdays = [1, 2, 3, 4, 5] as const;
const availabilityPatterns = [
  // After school on weekdays, Saturday mornings.
  { rules: [...weekdays.map((weekday) => ({ weekday, start: '16:00', end: '20:00' })), { weekday: 6 as const, start: '09:00', end: '13:00' }], durations: [30, 60], buffer: 10, maxPerDay: 4 },
  // Mornings and late evenings, a break in the middle of the day.
  { rules: weekdays.flatMap((weekday) => [{ weekday, start: '07:00', end: '10:00' }, { weekday, start: '19:00', end: '22:00' }]), durations: [45, 60], buffer: 15, maxPerDay: 5 },
  // Weekends only, long days.
  { rules: [{ weekday: 6 as const, start: '10:00', end: '18:00' }, { weekday: 7 as const, start: '10:00', end: '18:00' }], durations: [60], buffer: 0, maxPerDay: 6 },
  // Full-time tutor: every day but Sunday.
  { rules: ([1, 2, 3, 4, 5, 6] as const).map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), durations: [30, 45, 60], buffer: 5, maxPerDay: null },
];
// Tutors and students draw from different first names, so a demo never shows a tutor and a student with one name.
const tutorFirstNames = ['Asha', 'Ravi', 'Meera', 'Karan', 'Priya', 'Arjun', 'Sara', 'Dev', 'Nisha', 'Vikram', 'Emma', 'Liam'];
const studentFirstNames = ['Aarav', 'Diya', 'Ishaan', 'Kavya', 'Rohan', 'Ananya', 'Kabir', 'Saanvi', 'Vihaan', 'Myra', 'Olivia', 'Noah', 'Zara'];
const lastNames = ['Sharma', 'Iyer', 'Khan', 'Patel', 'Reddy', 'Das', 'Singh', 'Brown', 'Lee', 'Okafor'];
const subjectPlan: [string, string[]][] = [
  ['maths', ['grade-9-10', 'grade-11-12']],
  ['physics', ['grade-11-12', 'university']],
  ['chemistry', ['grade-9-10', 'grade-11-12']],
  ['biology', ['grade-11-12']],
  ['english', ['grade-6-8', 'grade-9-10']],
  ['computer-science', ['grade-11-12', 'university']],
  ['accountancy', ['grade-11-12']],
  ['economics', ['grade-11-12']],
];

const pad = (n: number) => String(n).padStart(2, '0');
const tutorName = (i: number) => `${tutorFirstNames[i % tutorFirstNames.length]} ${lastNames[(i * 7) % lastNames.length]}`;
const studentName = (i: number) => `${studentFirstNames[i % studentFirstNames.length]} ${lastNames[(i * 3) % lastNames.length]}`;

/**
 * Seeds demo accounts on an empty database only; never touches one that has users. Returns whether it seeded.
 * With `db`, it then gives every demo tutor without an availability policy a weekly one (on every start, so a data
 * folder seeded before policies existed gets bookable slots too; a policy a tutor has set is never changed).
 */
export async function seedDemoData(repo: IdentityRepo, clock: Clock, logger: Logger, db?: Db): Promise<boolean> {
  const seeded = await seedAccounts(repo, clock, logger);
  if (db) await seedDemoAvailability(repo, db, clock, logger);
  // Billing (#7): the demo plans, and question credits for the demo students (npm start needs a plan or credits to ask).
  if (db) {
    const students = await Promise.all(Array.from({ length: 50 }, (_, i) => repo.findUserByEmail(`student${pad(i + 1)}@tutorline.test`)));
    await seedDemoBilling(db, students.flatMap((u) => (u?.role === 'student' ? [u.id] : [])), clock.now(), logger);
    // Group classes (#15): a few upcoming ones from the first demo tutors.
    const tutors = await Promise.all([1, 2, 3].map((i) => repo.findUserByEmail(`tutor${pad(i)}@tutorline.test`)));
    await seedDemoClasses(db, tutors.flatMap((u) => (u?.role === 'tutor' ? [{ id: u.id, timeZone: u.timeZone }] : [])), clock.now(), logger);
    // Recommendations (#17): past lessons with the structure of real tutoring, on a freshly seeded database only.
    if (seeded) await seedDemoHistory(repo, db, clock, logger);
  }
  return seeded;
}

/**
 * Each demo student studies one subject and has one of two tastes among the tutors who teach it: a favourite tutor
 * (three lessons: repeat loyalty) and a second one (one lesson); every fourth student has only the favourite, so the
 * demo shows the blend for students with little history too. Lessons are 10–69 days ago, each at its own hour.
 */
export async function seedDemoHistory(repo: IdentityRepo, db: Db, clock: Clock, logger: Logger): Promise<number> {
  const now = clock.now();
  const tutorIds = await Promise.all(Array.from({ length: 25 }, (_, i) => repo.findUserByEmail(`tutor${pad(i + 1)}@tutorline.test`).then((u) => u?.id)));
  const teaches = (j: number, subject: string) => subjectPlan[j % subjectPlan.length]![0] === subject || subjectPlan[(j * 3) % subjectPlan.length]![0] === subject;
  const lessons: { tutorId: string; studentId: string; startsAt: Date; minutes: number }[] = [];
  let k = 0;
  const at = () => {
    const n = k++;
    const day = new Date(now.getTime() - (10 + (n % 60)) * 86_400_000);
    return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), Math.floor(n / 60) % 24));
  };
  for (let i = 1; i <= 50; i++) {
    const student = await repo.findUserByEmail(`student${pad(i)}@tutorline.test`);
    if (!student) continue;
    const subject = subjectPlan[i % subjectPlan.length]![0];
    const teachers = tutorIds.flatMap((id, j) => (id && teaches(j + 1, subject) ? [id] : []));
    const taste = teachers.filter((_, p) => p % 2 === Math.floor(i / 8) % 2);
    const [first, second] = taste.length ? [taste[i % taste.length]!, taste[(i + 1) % taste.length]!] : [teachers[0], teachers[1]];
    if (!first) continue;
    for (let n = 0; n < 3; n++) lessons.push({ tutorId: first, studentId: student.id, startsAt: at(), minutes: 60 });
    if (second && second !== first && i % 4 !== 0) lessons.push({ tutorId: second, studentId: student.id, startsAt: at(), minutes: 60 });
  }
  return seedDemoLessonHistory(db, lessons, logger);
}

/** A weekly availability policy for each demo tutor (tutorNN@tutorline.test) that has none yet. */
export async function seedDemoAvailability(repo: IdentityRepo, db: Db, clock: Clock, logger: Logger): Promise<number> {
  const scheduling = createSchedulingRepo(db);
  let added = 0;
  for (let i = 1; i <= 25; i++) {
    const user = await repo.findUserByEmail(`tutor${pad(i)}@tutorline.test`);
    if (!user || user.role !== 'tutor' || (await scheduling.findPolicy(user.id))) continue;
    const pattern = availabilityPatterns[i % availabilityPatterns.length]!;
    await scheduling.upsertPolicy({
      tutorId: user.id,
      timeZone: zones[i % zones.length]!,
      rules: pattern.rules,
      overrides: [],
      durations: pattern.durations,
      bufferMinutes: pattern.buffer,
      minNoticeMinutes: 12 * 60,
      maxPerDay: pattern.maxPerDay,
      horizonDays: 60,
      cancelFreeHours: 24,
      updatedAt: clock.now(),
    });
    added++;
  }
  if (added) logger.info({ event: 'demo_availability_seeded', tutors: added }, 'demo availability seeded');
  return added;
}

async function seedAccounts(repo: IdentityRepo, clock: Clock, logger: Logger): Promise<boolean> {
  if ((await repo.countUsers()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = clock.now();
  const admin = await repo.insertUser({ role: 'admin', email: demoLogins.admin, passwordHash, displayName: 'Ops Admin', staffRoles: ['admin'], timeZone: 'Asia/Kolkata', createdAt: now, passwordChangedAt: now });
  for (const [staffRole, displayName] of [['ops', 'Ops Staff'], ['support', 'Support Staff'], ['finance', 'Finance Staff']] as const) {
    await repo.insertUser({ role: 'admin', email: `${staffRole}@tutorline.test`, passwordHash, displayName, staffRoles: [staffRole], timeZone: 'Asia/Kolkata', createdAt: now, passwordChangedAt: now });
  }

  for (let i = 1; i <= 25; i++) {
    const timeZone = zones[i % zones.length]!;
    const tutor = await repo.insertTutor(
      { role: 'tutor', email: `tutor${pad(i)}@tutorline.test`, passwordHash, displayName: tutorName(i), timeZone, phone: `+9190000000${pad(i)}`, createdAt: now, passwordChangedAt: now },
      { timeZone },
    );
    const a = subjectPlan[i % subjectPlan.length]!;
    const b = subjectPlan[(i * 3) % subjectPlan.length]!;
    const subjects = [a, b].flatMap(([subjectId, levels]) => levels.map((level) => ({ subjectId, level })));
    const unique = [...new Map(subjects.map((s) => [`${s.subjectId}|${s.level}`, s])).values()];
    const languageSets = languagesByZone[timeZone]!;
    await repo.updateTutorProfile(
      tutor.id,
      {
        bio: backgrounds[i % backgrounds.length]!(subjectNames[a[0]] ?? a[0], 3 + (i % 9)),
        languages: languageSets[i % languageSets.length]!,
        hourlyRateMinor: timeZone === 'Asia/Kolkata' ? 40_000 + i * 2_500 : 1_500 + i * 100,
        currency: timeZone === 'Asia/Kolkata' ? 'INR' : 'USD',
      },
      unique,
    );
    await repo.setApproval(tutor.id, 'approved', admin.id, now);
  }

  for (let i = 1; i <= 50; i++) {
    // Mostly teenagers, as in real traffic: a few adults, and two under 13 (one with consent, one waiting for it).
    const age = i === 1 ? 11 : i === 2 ? 12 : i % 5 === 0 ? 19 : 13 + (i % 5);
    const birthDate = new Date(now.getTime() - (age * 365.25 + 100) * 86_400_000).toISOString().slice(0, 10);
    const minor = age < 18;
    const student = await repo.insertUser({
      role: 'student',
      email: `student${pad(i)}@tutorline.test`,
      passwordHash,
      displayName: studentName(i),
      timeZone: zones[(i * 5) % zones.length]!,
      birthDate,
      guardianContact: minor ? `guardian${pad(i)}@tutorline.test` : null,
      guardianConsentAt: null,
      createdAt: now,
      passwordChangedAt: now,
    });
    // A consent is always recorded with its evidence (issue #13.9), the demo's too.
    if (minor && i !== 1) {
      await repo.recordGuardianConsent({
        studentId: student.id,
        guardianName: `Guardian of ${studentName(i)}`,
        relationship: 'parent',
        contact: `guardian${pad(i)}@tutorline.test`,
        method: 'email_reply',
        methodOther: null,
        evidence: 'Demo data: consent assumed when the demo was seeded',
        recordedBy: admin.id,
        recordedAt: now,
      });
    }
  }
  logger.info({ event: 'demo_seeded', admins: 1, tutors: 25, students: 50 }, 'demo data seeded');
  return true;
}
