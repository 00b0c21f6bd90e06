import { CLASS_MAX_CAPACITY, type ClassCreateBody, type ClassView } from '@tutorline/contracts';
import { useState, type FormEvent } from 'react';
import { formErrorsOf } from '../../lib/form-errors';
import { formatDuration, formatMoney, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextAreaField, TextField } from '../../ui/field';
import { ZoneName } from '../../ui/zone-name';
import { levelLabel, useSubjectName } from '../subjects';
import { useMyTutorProfile } from '../tutor-profile';
import { useCreateClass } from './classes-queries';
import './classes.css';

const fields = ['subjectId', 'level', 'title', 'description', 'date', 'time', 'weeks', 'durationMinutes', 'capacity', 'priceMinor', 'currency', 'language', 'lobby'] as const;

interface Draft {
  teach: string;
  title: string;
  description: string;
  date: string;
  time: string;
  weeks: string;
  durationMinutes: string;
  capacity: string;
  price: string;
  currency: string;
  language: string;
  lobby: boolean;
}

/** "500" or "12.50" → minor units; null when it is not an amount. */
export function minorUnits(text: string): number | null {
  const t = text.trim();
  if (t === '') return 0;
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}

/** A tutor creates a class (or a weekly series) in a subject and level they teach, at a time on their own clock. */
export function ClassCreateForm({ zone, onCreated }: { zone: string; onCreated: (classes: ClassView[]) => void }) {
  const profile = useMyTutorProfile();
  const subjectName = useSubjectName();
  const create = useCreateClass();
  const [priceError, setPriceError] = useState<string | null>(null);
  const [d, setD] = useState<Draft>({ teach: '', title: '', description: '', date: '', time: '18:00', weeks: '1', durationMinutes: '60', capacity: '20', price: '', currency: 'INR', language: 'English', lobby: false });
  const set = (change: Partial<Draft>) => setD((x) => ({ ...x, ...change }));
  const teaches = profile.data?.subjects ?? [];
  const errors = formErrorsOf(create.error, fields);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const priceMinor = minorUnits(d.price);
    setPriceError(priceMinor === null ? 'Enter the price as an amount such as 500 or 12.50, or leave it empty for a free class.' : null);
    if (priceMinor === null) return;
    const [subjectId = '', level = ''] = d.teach.split('|');
    const body: ClassCreateBody = {
      subjectId,
      level,
      title: d.title,
      description: d.description,
      date: d.date,
      time: d.time,
      weeks: Number(d.weeks),
      durationMinutes: Number(d.durationMinutes),
      capacity: Number(d.capacity),
      priceMinor,
      currency: d.currency,
      language: d.language,
      lobby: d.lobby,
    };
    create.mutate(body, { onSuccess: onCreated });
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="create-class-title" data-testid="create-class">
      <h2 id="create-class-title">New class</h2>
      {errors.summary && <Alert tone="error">{errors.summary}</Alert>}
      <SelectField label="Subject and level" value={d.teach} onChange={(e) => set({ teach: e.target.value })} error={errors.fields.subjectId ?? errors.fields.level}>
        <option value="">{teaches.length ? 'Choose what you teach' : 'Add subjects to your profile first'}</option>
        {teaches.map((s) => (
          <option key={`${s.subjectId}|${s.level}`} value={`${s.subjectId}|${s.level}`}>
            {subjectName(s.subjectId)} · {levelLabel(s.level)}
          </option>
        ))}
      </SelectField>
      <TextField label="Title" value={d.title} maxLength={120} onChange={(e) => set({ title: e.target.value })} error={errors.fields.title} />
      <TextAreaField label="Description" optional value={d.description} rows={3} onChange={(e) => set({ description: e.target.value })} error={errors.fields.description} />
      <div className="class-form-grid">
        <TextField label="Date" type="date" value={d.date} onChange={(e) => set({ date: e.target.value })} error={errors.fields.date} />
        <TextField label="Start" type="time" value={d.time} onChange={(e) => set({ time: e.target.value })} error={errors.fields.time} />
        <SelectField label="Length" value={d.durationMinutes} onChange={(e) => set({ durationMinutes: e.target.value })} error={errors.fields.durationMinutes}>
          {[30, 45, 60, 90, 120].map((m) => (
            <option key={m} value={m}>
              {formatDuration(m)}
            </option>
          ))}
        </SelectField>
        <SelectField label="Repeat weekly" value={d.weeks} onChange={(e) => set({ weeks: e.target.value })} error={errors.fields.weeks}>
          <option value="1">Just once</option>
          {[2, 3, 4, 6, 8, 10, 12].map((n) => (
            <option key={n} value={n}>
              {plural(n, { one: '# week', other: '# weeks' })}
            </option>
          ))}
        </SelectField>
        <TextField label={`Seats (1–${CLASS_MAX_CAPACITY})`} type="number" min={1} max={CLASS_MAX_CAPACITY} inputMode="numeric" value={d.capacity} onChange={(e) => set({ capacity: e.target.value })} error={errors.fields.capacity} />
        <TextField label="Language" value={d.language} onChange={(e) => set({ language: e.target.value })} error={errors.fields.language} />
        <TextField label="Price each" inputMode="decimal" placeholder="Free" value={d.price} onChange={(e) => set({ price: e.target.value })} error={priceError ?? errors.fields.priceMinor} />
        <SelectField label="Currency" value={d.currency} onChange={(e) => set({ currency: e.target.value })}>
          <option value="INR">INR</option>
          <option value="USD">USD</option>
        </SelectField>
      </div>
      <label className="check">
        <input type="checkbox" checked={d.lobby} onChange={(e) => set({ lobby: e.target.checked })} />
        <span>Lobby: I admit each learner into the room</span>
      </label>
      <p className="muted">
        The time is on your clock, <ZoneName zone={zone} />. Learners see it on theirs.
        {minorUnits(d.price) ? ` Each learner pays ${formatMoney(minorUnits(d.price) ?? 0, d.currency)}.` : ' The class is free.'}
      </p>
      <div className="form-actions">
        <Button type="submit" pending={create.isPending} pendingLabel="Creating…">
          Create class
        </Button>
      </div>
    </form>
  );
}
