import type { Subject, TutorProfile } from '@tutorline/contracts';
import { useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { formErrorsOf } from '../../lib/form-errors';
import { TimeZoneOptions } from '../../ui/time-zone-options';
import { useFocusFirstInvalid } from '../../lib/use-focus-first-invalid';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextAreaField, TextField } from '../../ui/field';
import { levelLabel, useSubjects } from '../subjects';
import { PhotoUpload } from './photo-upload';
import { useSaveTutorProfile, type UpdateTutorProfileBody } from './use-tutor-profile';

const currencies = ['INR', 'USD'] as const;
type Currency = (typeof currencies)[number];
const formFields = ['bio', 'subjects', 'languages', 'timeZone', 'hourlyRateMinor', 'currency'];

const pickKey = (subjectId: string, level: string) => `${subjectId}\u0000${level}`;

function toMajor(minor: number): string {
  if (!minor) return '';
  return minor % 100 === 0 ? String(minor / 100) : (minor / 100).toFixed(2);
}

/** "12.50" → 1250; null when it is not a non-negative amount with at most two decimals. */
function toMinor(major: string): number | null {
  const text = major.trim();
  if (text === '') return 0;
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
  return Math.round(Number(text) * 100);
}

export function ProfileForm({ profile }: { profile: TutorProfile }) {
  const subjects = useSubjects();
  const save = useSaveTutorProfile();
  const formRef = useRef<HTMLFormElement>(null);

  const [bio, setBio] = useState(profile.bio);
  const [picked, setPicked] = useState(() => new Set(profile.subjects.map((s) => pickKey(s.subjectId, s.level))));
  const [languages, setLanguages] = useState(profile.languages.join(', '));
  const [timeZone, setTimeZone] = useState(profile.timeZone);
  const [rate, setRate] = useState(toMajor(profile.hourlyRateMinor));
  const [currency, setCurrency] = useState<Currency>(currencies.includes(profile.currency as Currency) ? (profile.currency as Currency) : 'INR');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);
  const [savedAt, setSavedAt] = useState<number | null>(null);

  const server = formErrorsOf(save.error, formFields);
  const errors = { ...server.fields, ...localErrors };
  useFocusFirstInvalid(formRef, attempt, save.error);

  const edited = () => setSavedAt(null);

  const togglePick = (key: string) => {
    edited();
    setPicked((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const hourlyRateMinor = toMinor(rate);
    const local: Record<string, string> = {};
    if (hourlyRateMinor === null) local.hourlyRateMinor = 'must be an amount such as 500 or 12.50';
    setLocalErrors(local);
    setAttempt((n) => n + 1);
    if (hourlyRateMinor === null) return;

    const body: UpdateTutorProfileBody = {
      bio: bio.trim(),
      languages: languages
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
      timeZone,
      hourlyRateMinor,
      currency,
    };
    // Without the subject list we cannot show every pick, so leave the saved subjects untouched.
    if (subjects.data) {
      body.subjects = [...picked].map((key) => {
        const [subjectId = '', level = ''] = key.split('\u0000');
        return { subjectId, level };
      });
    }
    save.mutate(body, { onSuccess: () => setSavedAt(Date.now()) });
  };

  return (
    <form ref={formRef} className="form" onSubmit={onSubmit} noValidate aria-labelledby="profile-form-title">
      <h2 id="profile-form-title">Your tutor profile</h2>
      <PhotoUpload tutorId={profile.userId} name={profile.displayName} />
      <TextAreaField
        label="Bio"
        value={bio}
        maxLength={2000}
        rows={5}
        hint="A few lines for students: what you teach, how, and your experience."
        error={errors.bio}
        onChange={(e) => {
          edited();
          setBio(e.target.value);
        }}
      />

      <fieldset className={`fieldset${errors.subjects ? ' field-invalid' : ''}`} aria-describedby={errors.subjects ? 'subjects-error' : undefined}>
        <legend>Subjects and levels</legend>
        {subjects.isPending && <p className="muted">Loading subjects…</p>}
        {subjects.isError && (
          <Alert tone="warning">
            <p>The subject list could not be loaded ({errorMessage(subjects.error)}). Your saved subjects are kept.</p>
          </Alert>
        )}
        {subjects.data?.length === 0 && <p className="muted">No subjects are set up yet.</p>}
        {subjects.data?.map((subject: Subject) => (
          // A nested fieldset, not aria-labelledby, so a subject named "Biology" is not a match for getByLabel('Bio').
          <fieldset className="subject" key={subject.id}>
            <legend className="subject-name">{subject.name}</legend>
            <div className="chips">
              {subject.levels.map((level) => {
                const key = pickKey(subject.id, level);
                return (
                  <label className="chip" key={key}>
                    <input type="checkbox" checked={picked.has(key)} onChange={() => togglePick(key)} />
                    <span>{levelLabel(level)}</span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        ))}
        {errors.subjects && (
          <p className="field-error" id="subjects-error">
            Subjects: {errors.subjects}
          </p>
        )}
      </fieldset>

      <TextField
        label="Languages"
        value={languages}
        autoComplete="off"
        hint="Separate with commas, for example: English, Hindi"
        error={errors.languages}
        onChange={(e) => {
          edited();
          setLanguages(e.target.value);
        }}
      />

      <SelectField
        label="Time zone"
        value={timeZone}
        hint="Your weekly availability is set in this zone."
        error={errors.timeZone}
        onChange={(e) => {
          edited();
          setTimeZone(e.target.value);
        }}
      >
        <TimeZoneOptions current={profile.timeZone} />
      </SelectField>

      <div className="field-row">
        <TextField
          label="Hourly rate"
          value={rate}
          inputMode="decimal"
          placeholder="500"
          hint={`Per hour, in ${currency}.`}
          error={errors.hourlyRateMinor}
          onChange={(e) => {
            edited();
            setRate(e.target.value);
          }}
        />
        <SelectField
          label="Currency"
          value={currency}
          error={errors.currency}
          onChange={(e) => {
            edited();
            setCurrency(e.target.value as Currency);
          }}
        >
          <option value="INR">INR (₹)</option>
          <option value="USD">USD ($)</option>
        </SelectField>
      </div>

      {server.summary && <Alert tone="error">{server.summary}</Alert>}
      <div className="form-actions">
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
          Save profile
        </Button>
        <span className="form-status" role="status">
          {savedAt !== null && !save.isPending ? 'Profile saved.' : ''}
        </span>
      </div>
    </form>
  );
}
