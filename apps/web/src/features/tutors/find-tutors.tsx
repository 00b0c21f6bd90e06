import type { TimeOfDay, TutorSort } from '@tutorline/contracts';
import { tutorSorts } from '@tutorline/contracts/plain';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useT, type MessageKey } from '../../i18n';
import { bookingErrorText } from '../scheduling';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextField } from '../../ui/field';
import { courseContextOf, courseQuery } from '../lti';
import { levelLabel, subjectLabel, useSubjects } from '../subjects';
import { activeFilterCount, emptyFilters, timesOfDay, toMinorUnits, type SearchFilters } from './search-filters';
import { TutorResultCard } from './tutor-bits';
import { useTutorSearch } from './tutor-queries';
import './tutors.css';

const sortLabels: Record<TutorSort, MessageKey> = {
  relevance: 'booking.sort.relevance',
  rating: 'booking.sort.rating',
  price_asc: 'booking.sort.priceAsc',
  price_desc: 'booking.sort.priceDesc',
  recommended: 'booking.sort.recommended',
};
const timeLabels: Record<TimeOfDay, MessageKey> = { morning: 'booking.time.morning', afternoon: 'booking.time.afternoon', evening: 'booking.time.evening', night: 'booking.time.night' };

export function FindTutors({ zone, isStudent }: { zone: string; isStudent: boolean }) {
  const t = useT();
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
  const [priceError, setPriceError] = useState(false);
  const search = useTutorSearch(applied, zone);

  const set = (change: Partial<SearchFilters>) => setDraft((d) => ({ ...d, ...change }));
  const levels = subjects.data?.find((s) => s.id === draft.subject)?.levels ?? [];

  const apply = (event?: FormEvent) => {
    event?.preventDefault();
    const bad = [draft.minPrice, draft.maxPrice].some((p) => p.trim() !== '' && toMinorUnits(p) === null);
    setPriceError(bad);
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
      <form className="card search-form" role="search" aria-label={t('booking.find.title')} onSubmit={apply} noValidate>
        <div className="search-row">
          <TextField label={t('booking.find.search')} type="search" value={draft.q} placeholder={t('booking.find.searchHint')} onChange={(e) => set({ q: e.target.value })} />
          <Button type="submit" className="search-go">
            {t('booking.find.go')}
          </Button>
        </div>
        <div className="search-row">
          <Button variant="secondary" aria-expanded={filtersOpen} aria-controls="search-filters" onClick={() => setFiltersOpen((o) => !o)}>
            {t('booking.find.filters', { count })}
          </Button>
          <SelectField
            label={t('booking.find.sortBy')}
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
                {t(sortLabels[value])}
              </option>
            ))}
          </SelectField>
        </div>

        <div id="search-filters" className="filters" hidden={!filtersOpen}>
          <div className="settings-grid">
            <SelectField label={t('booking.find.subject')} value={draft.subject} onChange={(e) => set({ subject: e.target.value, level: '' })}>
              <option value="">{t('booking.find.anySubject')}</option>
              {subjects.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {subjectLabel(s)}
                </option>
              ))}
            </SelectField>
            <SelectField label={t('booking.find.level')} value={draft.level} disabled={!draft.subject} onChange={(e) => set({ level: e.target.value })}>
              <option value="">{draft.subject ? t('booking.find.anyLevel') : t('booking.find.subjectFirst')}</option>
              {levels.map((l) => (
                <option key={l} value={l}>
                  {levelLabel(l)}
                </option>
              ))}
            </SelectField>
            <TextField label={t('booking.find.language')} value={draft.language} placeholder={t('booking.find.languageHint')} autoComplete="off" onChange={(e) => set({ language: e.target.value })} />
            <SelectField label={t('booking.find.rating')} value={draft.minRating} onChange={(e) => set({ minRating: e.target.value })}>
              <option value="">{t('booking.find.anyRating')}</option>
              {[3, 4, 4.5].map((stars) => (
                <option key={stars} value={String(stars)}>
                  {t('booking.find.starsUp', { stars })}
                </option>
              ))}
            </SelectField>
          </div>
          <fieldset className="fieldset">
            <legend>{t('booking.find.pricePerHour')}</legend>
            <div className="price-row">
              <TextField label={t('booking.find.lowest')} inputMode="decimal" value={draft.minPrice} placeholder="0" onChange={(e) => set({ minPrice: e.target.value })} />
              <TextField label={t('booking.find.highest')} inputMode="decimal" value={draft.maxPrice} placeholder={t('booking.find.any')} onChange={(e) => set({ maxPrice: e.target.value })} />
              <SelectField label={t('booking.find.currency')} value={draft.currency} onChange={(e) => set({ currency: e.target.value })}>
                {/* ISO codes, the same in every language. */}
                {['INR', 'USD'].map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </SelectField>
            </div>
            {priceError && <p className="field-error">{t('booking.find.priceError')}</p>}
          </fieldset>
          <SelectField label={t('booking.find.freeTimes')} value={draft.availableWithinDays} onChange={(e) => set({ availableWithinDays: e.target.value })}>
            <option value="">{t('booking.find.anyTime')}</option>
            {[2, 7, 14, 30].map((days) => (
              <option key={days} value={String(days)}>
                {t('booking.find.withinDays', { days })}
              </option>
            ))}
          </SelectField>
          <fieldset className="fieldset">
            <legend>{t('booking.find.timesOfDay')}</legend>
            <div className="chips">
              {timesOfDay.map((time) => (
                <label className="chip" key={time}>
                  <input
                    type="checkbox"
                    checked={draft.timesOfDay.includes(time)}
                    onChange={(e) => set({ timesOfDay: e.target.checked ? [...draft.timesOfDay, time] : draft.timesOfDay.filter((x) => x !== time) })}
                  />
                  <span>{t(timeLabels[time])}</span>
                </label>
              ))}
            </div>
          </fieldset>
          {isStudent && (
            <label className="check">
              <input type="checkbox" checked={draft.favouritesOnly} onChange={(e) => set({ favouritesOnly: e.target.checked })} />
              <span>{t('booking.find.favouritesOnly')}</span>
            </label>
          )}
          <div className="form-actions">
            <Button type="submit">{t('booking.find.show')}</Button>
            <Button
              variant="ghost"
              onClick={() => {
                setDraft({ ...emptyFilters, q: draft.q, sort: draft.sort });
                setApplied({ ...emptyFilters, q: draft.q, sort: draft.sort });
              }}
            >
              {t('booking.find.clear')}
            </Button>
          </div>
        </div>
      </form>

      {search.isPending && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> {t('booking.find.finding')}
        </p>
      )}
      {search.isError && (
        <Alert tone="error" title={t('booking.find.failed')}>
          <p>{bookingErrorText(search.error)}</p>
          <Button variant="secondary" onClick={() => void search.refetch()}>
            {t('booking.tryAgain')}
          </Button>
        </Alert>
      )}
      {search.data && (
        <section aria-labelledby="results-title" aria-busy={search.isFetching || undefined} className="stack">
          <h2 id="results-title" className="results-title" aria-live="polite">
            {t('booking.find.results', { count: total })}
          </h2>
          {total === 0 && (
            <div className="empty">
              <p className="empty-title">{t('booking.find.noneTitle')}</p>
              <p>{t('booking.find.noneBody')}</p>
            </div>
          )}
          <ul className="tutor-cards">
            {tutors.map((t) => (
              <TutorResultCard key={t.id} tutor={t} canFavourite={isStudent} carry={carry} />
            ))}
          </ul>
          {search.hasNextPage && (
            <Button variant="secondary" block pending={search.isFetchingNextPage} pendingLabel={t('booking.loading')} onClick={() => void search.fetchNextPage()}>
              {t('booking.find.more')}
            </Button>
          )}
        </section>
      )}
    </div>
  );
}
