import { plural } from '../lib/format';
import { StarIcon } from './icons';

/**
 * One to five stars as a fieldset of toggle buttons, with words for the chosen number and an error when none was
 * chosen on submit. `words[n]` reads for n stars; `testIdPrefix` gives each star a test id (`<prefix>-<n>`).
 */
export function StarPicker({
  stars,
  onChange,
  words,
  missing,
  errorId,
  testIdPrefix,
}: {
  stars: number;
  onChange: (stars: number) => void;
  words: readonly string[];
  missing: boolean;
  errorId: string;
  testIdPrefix?: string;
}) {
  return (
    <fieldset className="fieldset" aria-describedby={missing ? errorId : undefined}>
      <legend>Your rating</legend>
      <div className="star-row">
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            className={`star${n <= stars ? ' star-on' : ''}`}
            aria-pressed={n === stars}
            aria-label={plural(n, { one: '# star', other: '# stars' })}
            {...(testIdPrefix ? { 'data-testid': `${testIdPrefix}-${n}` } : {})}
            onClick={() => onChange(n)}
          >
            <StarIcon filled={n <= stars} />
          </button>
        ))}
      </div>
      <p className="star-words" aria-live="polite">
        {stars ? words[stars] : 'Tap a star'}
      </p>
      {missing && (
        <p className="field-error" id={errorId}>
          Choose from 1 to 5 stars.
        </p>
      )}
    </fieldset>
  );
}
