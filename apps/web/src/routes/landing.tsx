import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { roleHome, useMe } from '../features/auth';
import { useT } from '../i18n';
import { usePageTitle } from '../lib/page-title';
import './landing.css';

export function LandingPage() {
  const t = useT();
  usePageTitle('');
  const me = useMe();
  const user = me.data ?? null;

  return (
    <section className="page landing" aria-labelledby="landing-title">
      <div className="hero">
        <p className="eyebrow">{t('landing.eyebrow')}</p>
        <h1 id="landing-title">{t('landing.title')}</h1>
        <p className="lead">{t('landing.lead')}</p>
        <div className="hero-actions">
          {user ? (
            <Link className="btn btn-primary btn-large" to={roleHome(user.role)}>
              {t('common.goHome')}
            </Link>
          ) : (
            <>
              <Link className="btn btn-primary btn-large" to="/signup">
                {t('landing.signUp')}
              </Link>
              <Link className="btn btn-secondary btn-large" to="/login">
                {t('landing.logIn')}
              </Link>
            </>
          )}
        </div>
      </div>
      <ul className="features" aria-label={t('landing.featuresLabel')}>
        <li className="feature">
          <FeatureIcon>
            <path d="M4 8h3l2-3h6l2 3h3v11H4z" />
            <circle cx="12" cy="13" r="3.5" />
          </FeatureIcon>
          <h2>{t('landing.instantTitle')}</h2>
          <p>{t('landing.instantText')}</p>
        </li>
        <li className="feature">
          <FeatureIcon>
            <rect x="4" y="5" width="16" height="15" rx="2" />
            <path d="M4 10h16M9 3v4M15 3v4" />
          </FeatureIcon>
          <h2>{t('landing.lessonsTitle')}</h2>
          <p>{t('landing.lessonsText')}</p>
        </li>
        <li className="feature">
          <FeatureIcon>
            <rect x="3" y="6" width="13" height="12" rx="2" />
            <path d="M16 10.5 21 7v10l-5-3.5z" />
          </FeatureIcon>
          <h2>{t('landing.classroomTitle')}</h2>
          <p>{t('landing.classroomText')}</p>
        </li>
      </ul>
    </section>
  );
}

/** Inline icons: no icon font or image is fetched from anywhere. */
function FeatureIcon({ children }: { children: ReactNode }) {
  return (
    <span className="feature-icon" aria-hidden="true">
      <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        {children}
      </svg>
    </span>
  );
}
