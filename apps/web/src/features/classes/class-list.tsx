import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api';
import { plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextField } from '../../ui/field';
import { courseContextOf } from '../lti';
import { levelLabel, useSubjects } from '../subjects';
import { ClassCard } from './class-card';
import { type ClassFilters, classSearchParams, emptyClassFilters, inLocalRange, useClassSearch } from './classes-queries';
import './classes.css';

/** Upcoming classes with filters (subject, level, language, dates on the viewer's clock, free or paid). */
export function ClassList({ zone }: { zone: string }) {
  const subjects = useSubjects();
  // Opened from a course's series link (?course=): each class opens in that course, so its seat is the course's.
  const [params, setParams] = useSearchParams();
  const course = courseContextOf(params).course;
  // A course's series link (?series=) shows that series' classes until the learner asks for every class.
  const seriesId = params.get('series');
  const [draft, setDraft] = useState<ClassFilters>(emptyClassFilters);
  const [applied, setApplied] = useState<ClassFilters>(emptyClassFilters);
  const [open, setOpen] = useState(false);
  const search = useClassSearch(classSearchParams(applied, zone, seriesId));
  const set = (change: Partial<ClassFilters>) => setDraft((d) => ({ ...d, ...change }));
  const levels = subjects.data?.find((s) => s.id === draft.subjectId)?.levels ?? [];
  const classes = (search.data ?? []).filter((c) => inLocalRange(c, applied));
  const count = Object.values(applied).filter(Boolean).length;

  const apply = (event?: FormEvent) => {
    event?.preventDefault();
    setApplied(draft);
    setOpen(false);
  };

  return (
    <div className="stack classes-list">
      <form className="card search-form" role="search" aria-label="Find a class" onSubmit={apply} noValidate>
        <div className="class-filter-row">
          <SelectField label="Subject" value={draft.subjectId} onChange={(e) => {
              // The subject applies at once: it is the filter most people use, and on a phone the panel stays closed.
              set({ subjectId: e.target.value, level: '' });
              setApplied((a) => ({ ...a, subjectId: e.target.value, level: '' }));
            }}
          >
            <option value="">Any subject</option>
            {subjects.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
          <Button variant="secondary" aria-expanded={open} aria-controls="class-filters" onClick={() => setOpen((o) => !o)}>
            Filters{count ? ` (${count})` : ''}
          </Button>
        </div>
        <div id="class-filters" className="class-filters" hidden={!open}>
          <div className="settings-grid">
            <SelectField label="Level" value={draft.level} disabled={!draft.subjectId} onChange={(e) => set({ level: e.target.value })}>
              <option value="">{draft.subjectId ? 'Any level' : 'Pick a subject first'}</option>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {levelLabel(l)}
                </option>
              ))}
            </SelectField>
            <TextField label="Language" value={draft.language} placeholder="e.g. Hindi" autoComplete="off" onChange={(e) => set({ language: e.target.value })} />
            <SelectField label="Price" value={draft.price} onChange={(e) => set({ price: e.target.value as ClassFilters['price'] })}>
              <option value="">Free and paid</option>
              <option value="free">Free only</option>
              <option value="paid">Paid only</option>
            </SelectField>
            <div className="class-filter-dates">
              <TextField label="From" type="date" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
              <TextField label="To" type="date" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
            </div>
          </div>
          <div className="form-actions">
            <Button type="submit">Show classes</Button>
            <Button
              variant="ghost"
              onClick={() => {
                setDraft(emptyClassFilters);
                setApplied(emptyClassFilters);
              }}
            >
              Clear filters
            </Button>
          </div>
        </div>
      </form>
      <section aria-labelledby="class-results" aria-busy={search.isFetching}>
        <h2 id="class-results" className="results-title">
          {search.isPending ? 'Looking for classes…' : plural(classes.length, { one: '# class', other: '# classes' })}
          {seriesId && !search.isPending ? ' in this series' : ''}
        </h2>
        {seriesId && (
          <p className="muted" data-testid="series-filter">
            Showing one weekly series.{' '}
            <Button
              variant="ghost"
              onClick={() =>
                setParams((p) => {
                  p.delete('series');
                  return p;
                })
              }
            >
              Show all classes
            </Button>
          </p>
        )}
        {search.isError && <Alert tone="error">{errorMessage(search.error)}</Alert>}
        {!search.isPending && classes.length === 0 && !search.isError && <p className="muted">No classes match. Try fewer filters.</p>}
        <ul className="class-cards">
          {classes.map((c) => (
            <ClassCard key={c.id} c={c} zone={zone} to={course ? `/classes/${c.id}?course=${course}` : undefined} />
          ))}
        </ul>
      </section>
    </div>
  );
}
