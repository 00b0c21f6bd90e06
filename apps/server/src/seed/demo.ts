import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { type IdentityRepo, hashPassword } from '../modules/identity';

export const DEMO_PASSWORD = 'tutorline-demo';
export const demoLogins = {
  admin: 'admin@tutorline.test',
  tutors: 'tutor01@tutorline.test … tutor25@tutorline.test',
  students: 'student01@tutorline.test … student50@tutorline.test',
  password: DEMO_PASSWORD,
};

const zones = ['Asia/Kolkata', 'Asia/Kolkata', 'Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Singapore', 'Africa/Nairobi'];
const languageSets = [['English', 'Hindi'], ['English'], ['English', 'Tamil'], ['English', 'Spanish'], ['English', 'Bengali'], ['English', 'Marathi']];
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

/** Seeds demo accounts on an empty database only; never touches one that has users. Returns whether it seeded. */
export async function seedDemoData(repo: IdentityRepo, clock: Clock, logger: Logger): Promise<boolean> {
  if ((await repo.countUsers()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = clock.now();
  const admin = await repo.insertUser({ role: 'admin', email: demoLogins.admin, passwordHash, displayName: 'Ops Admin', timeZone: 'Asia/Kolkata' });

  for (let i = 1; i <= 25; i++) {
    const timeZone = zones[i % zones.length]!;
    const tutor = await repo.insertTutor(
      { role: 'tutor', email: `tutor${pad(i)}@tutorline.test`, passwordHash, displayName: tutorName(i), timeZone, phone: `+9190000000${pad(i)}` },
      { timeZone },
    );
    const a = subjectPlan[i % subjectPlan.length]!;
    const b = subjectPlan[(i * 3) % subjectPlan.length]!;
    const subjects = [a, b].flatMap(([subjectId, levels]) => levels.map((level) => ({ subjectId, level })));
    const unique = [...new Map(subjects.map((s) => [`${s.subjectId}|${s.level}`, s])).values()];
    await repo.updateTutorProfile(
      tutor.id,
      {
        bio: `I have taught ${a[0]} for ${3 + (i % 9)} years and love making hard ideas simple.`,
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
    await repo.insertUser({
      role: 'student',
      email: `student${pad(i)}@tutorline.test`,
      passwordHash,
      displayName: studentName(i),
      timeZone: zones[(i * 5) % zones.length]!,
      birthDate,
      guardianContact: minor ? `guardian${pad(i)}@tutorline.test` : null,
      guardianConsentAt: minor && i !== 1 ? now : null,
    });
  }
  logger.info({ event: 'demo_seeded', admins: 1, tutors: 25, students: 50 }, 'demo data seeded');
  return true;
}
