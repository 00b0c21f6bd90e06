import type { ClassView } from '@tutorline/contracts';
import { Link } from 'react-router';
import { formatDateTimeRange, formatMoney, plural } from '../../lib/format';
import { levelLabel, useSubjectName } from '../subjects';
import './classes.css';

/** What a class costs, in words. */
export const priceLabel = (c: Pick<ClassView, 'free' | 'priceMinor' | 'currency'>) => (c.free ? 'Free' : formatMoney(c.priceMinor, c.currency));

export function seatsLabel(c: Pick<ClassView, 'seatsLeft' | 'status'>): string {
  if (c.status !== 'scheduled') return c.status === 'cancelled' ? 'Cancelled' : 'Finished';
  return c.seatsLeft === 0 ? 'Full' : plural(c.seatsLeft, { one: '# seat left', other: '# seats left' });
}

/** One class in a list: the whole card opens it. Times on the viewer's clock. */
export function ClassCard({ c, zone, to }: { c: ClassView; zone: string; to?: string }) {
  const subjectName = useSubjectName();
  return (
    <li className="class-card" data-testid="class-card">
      <div className="class-card-when">{formatDateTimeRange(c.start, c.end, { zone })}</div>
      <h3 className="class-card-title">
        <Link className="class-card-link" to={to ?? `/classes/${c.id}`}>
          {c.title}
        </Link>
      </h3>
      <p className="class-card-meta muted">
        {subjectName(c.subjectId)} · {levelLabel(c.level)} · {c.language} · {c.tutorName}
      </p>
      <p className="class-card-tags">
        <span className={c.free ? 'class-tag class-tag-free' : 'class-tag'}>{priceLabel(c)}</span>
        <span className={c.seatsLeft === 0 ? 'class-tag class-tag-full' : 'class-tag'}>{seatsLabel(c)}</span>
        {c.mine === 'enrolled' && <span className="class-tag class-tag-mine">Enrolled</span>}
        {c.mine === 'held' && <span className="class-tag class-tag-mine">Seat held: pay to keep it</span>}
        {c.mine === 'teaching' && <span className="class-tag class-tag-mine">You teach</span>}
      </p>
    </li>
  );
}
