import type { TimeOfDay, TutorSort } from '@tutorline/contracts';
import { tutorSorts } from '@tutorline/contracts/plain';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api';
import { plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextField } from '../../ui/field';
import { courseContextOf, courseQuery } from '../lti';
import { levelLabel, useSubjects } from '../subjects';
import { activeFilterCount, emptyFilters, timesOfDay, toMinorUnits, type SearchFilters } from './search-filters';
import { TutorResultCard } from './tutor-bits';
import { useTutorSearch } from './tutor-queries';
import './tutors.css';

const sortLabels: Record<TutorSort, string> = { relevance: 'Best match', rating: 'Highest rated', price_asc: 'Price: low to high', price_desc: 'Price: high to low', recommended: 'Recommended for you' };
const timeLabels: Record<TimeOfDay, string> = { morning: 'Morning (6–12)', afternoon: 'Afternoon (12–17)', evening: 'Evening (17–21)', night: 'Night (21–6)' };

export function FindTutors({ zone, isStudent }: { zone: string; isStudent: boolean }) {
  const subjects = useSubjects();
  // A course's "Book tutoring" pool item lands here with ?subject=&minutes=&course= (#16): the subject filters the
  // list, and all of it goes on to the tutor the learner picks, so the booking there is made in the course.
  const [params] = useSearchParams();
  const [fromCourse] = useState(() => courseContextOf(params));
  const [initial] = useState<SearchFilters>(() => ({ ...emptyFilters, subject: fromCourse.subject ?? '', level: fromCourse.subject ? (fromCourse.level ?? '') : '' }));
  const [draft, setDraft] = useState<SearchFilters>(initial);
  const [applied, setApplied] = useState<SearchFilters>(initial);
  const carry = courseQuery(fromCourse);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [priceError, setPriceError] = useState<string | null>(null);
  const search = useTutorSearch(applied, zone);

  const set = (change: Partial<SearchFilters>) => setDraft((d) => ({ ...d, ...change }));
  const levels = subjects.data?.find((s) => s.id === draft.subject)?.levels ?? [];

  const apply = (event?: FormEvent) => {
    event?.preventDefault();
    const bad = [draft.minPrice, draft.maxPrice].some((p) => p.trim() !== '' && toMinorUnits(p) === null);
    setPriceError(bad ? 'Enter prices as amounts such as 500 or 12.50.' : null);
    if (bad) return;
    setApplied(draft);
    // On a phone the open panel would hide the results it just changed.
    setFiltersOpen(false);
  };

  const tutors = search.data?.pages.flatMap((p) => p.tutors) ?? [];
  const total = search.data?.pages[0]?.total ?? 0;
  const count = activeFilterCount(applied);

  return (
    <div className="stack find-tutors">
      <form className="card search-form" role="search" aria-label="Find a tutor" onSubmit={apply} noValidate>
        <div className="search-row">
          <TextField label="Search tutors" type="search" value={draft.q} placeholder="Subject or name" onChange={(e) => set({ q: e.target.value })} />
          <Button type="submit" className="search-go">
            Search
          </Button>
        </div>
        <div className="search-row">
          <Button variant="secondary" aria-expanded={filtersOpen} aria-controls="search-filters" onClick={() => setFiltersOpen((o) => !o)}>
            Filters{count ? ` (${count})` : ''}
          </Button>
          <SelectField
            label="Sort by"
            value={draft.sort}
            onChange={(e) => {
              const sort = e.target.value as TutorSort;
              set({ sort });
              setApplied((a) => ({ ...a, sort }));
            }}
          >
            {/* Recommended is a student's own ranking (the server gives anyone else relevance). */}
            {tutorSorts.filter((value) => isStudent || value !== 'recommended').map((value) => (
              <option key={value} value={value}>
                {sortLabels[value]}
              </option>
            ))}
          </SelectField>
        </div>

        <div id="search-filters" className="filters" hidden={!filtersOpen}>
          <div className="settings-grid">
            <SelectField label="Subject" value={draft.subject} onChange={(e) => set({ subject: e.target.value, level: '' })}>
              <option value="">Any subject</option>
              {subjects.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </SelectField>
            <SelectField label="Level" value={draft.level} disabled={!draft.subject} onChange={(e) => set({ level: e.target.value })}>
              <option value="">{draft.subject ? 'Any level' : 'Pick a subject first'}</option>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {levelLabel(l)}
                </option>
              ))}
            </SelectField>
            <TextField label="Language" value={draft.language} placeholder="e.g. Hindi" autoComplete="off" onChange={(e) => set({ language: e.target.value })} />
            <SelectField label="Rating" value={draft.minRating} onChange={(e) => set({ minRating: e.target.value })}>
              <option value="">Any rating</option>
              <option value="3">3 stars and up</option>
              <option value="4">4 stars and up</option>
              <option value="4.5">4.5 stars and up</option>
            </SelectField>
          </div>
          <fieldset className="fieldset">
            <legend>Price per hour</legend>
            <div className="price-row">
              <TextField label="Lowest" inputMode="decimal" value={draft.minPrice} placeholder="0" onChange={(e) => set({ minPrice: e.target.value })} />
              <TextField label="Highest" inputMode="decimal" value={draft.maxPrice} placeholder="Any" onChange={(e) => set({ maxPrice: e.target.value })} />
              <SelectField label="Currency" value={draft.currency} onChange={(e) => set({ currency: e.target.value })}>
                <option value="INR">INR</option>
                <option value="USD">USD</option>
              </SelectField>
            </div>
            {priceError && <p className="field-error">{priceError}</p>}
          </fieldset>
          <SelectField label="Has free times" value={draft.availableWithinDays} onChange={(e) => set({ availableWithinDays: e.target.value })}>
            <option value="">Any time</option>
            <option value="2">In the next 2 days</option>
            <option value="7">In the next 7 days</option>
            <option value="14">In the next 14 days</option>
            <option value="30">In the next 30 days</option>
          </SelectField>
          <fieldset className="fieldset">
            <legend>Times of day (your time)</legend>
            <div className="chips">
              {timesOfDay.map((t) => (
                <label className="chip" key={t}>
                  <input
                    type="checkbox"
                    checked={draft.timesOfDay.includes(t)}
                    onChange={(e) => set({ timesOfDay: e.target.checked ? [...draft.timesOfDay, t] : draft.timesOfDay.filter((x) => x !== t) })}
                  />
                  <span>{timeLabels[t]}</span>
                </label>
              ))}
            </div>
          </fieldset>
          {isStudent && (
            <label className="check">
              <input type="checkbox" checked={draft.favouritesOnly} onChange={(e) => set({ favouritesOnly: e.target.checked })} />
              <span>Only my favourites</span>
            </label>
          )}
          <div className="form-actions">
            <Button type="submit">Show tutors</Button>
            <Button
              variant="ghost"
              onClick={() => {
                setDraft({ ...emptyFilters, q: draft.q, sort: draft.sort });
                setApplied({ ...emptyFilters, q: draft.q, sort: draft.sort });
              }}
            >
              Clear filters
            </Button>
          </div>
        </div>
      </form>

      {search.isPending && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> Finding tutors…
        </p>
      )}
      {search.isError && (
        <Alert tone="error" title="The search did not work">
          <p>{errorMessage(search.error)}</p>
          <Button variant="secondary" onClick={() => void search.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {search.data && (
        <section aria-labelledby="results-title" aria-busy={search.isFetching || undefined} className="stack">
          <h2 id="results-title" className="results-title" aria-live="polite">
            {plural(total, { zero: 'No tutors match', one: '# tutor', other: '# tutors' })}
          </h2>
          {total === 0 && (
            <div className="empty">
              <p className="empty-title">Nobody fits all of these filters</p>
              <p>Try fewer filters, or a wider price range.</p>
            </div>
          )}
          <ul className="tutor-cards">
            {tutors.map((t) => (
              <TutorResultCard key={t.id} tutor={t} canFavourite={isStudent} carry={carry} />
            ))}
          </ul>
          {search.hasNextPage && (
            <Button variant="secondary" block pending={search.isFetchingNextPage} pendingLabel="Loading…" onClick={() => void search.fetchNextPage()}>
              Load more tutors
            </Button>
          )}
        </section>
      )}
    </div>
  );
}
