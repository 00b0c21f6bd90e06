import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { roleHome, useMe } from '../features/auth';
import { usePageTitle } from '../lib/page-title';
import './landing.css';

export function LandingPage() {
  usePageTitle('');
  const me = useMe();
  const user = me.data ?? null;

  return (
    <section className="page landing" aria-labelledby="landing-title">
      <div className="hero">
        <p className="eyebrow">1-on-1 tutoring</p>
        <h1 id="landing-title">Stuck on a question? Get a real tutor, fast.</h1>
        <p className="lead">
          Tutorline puts a real tutor next to you when you need one. Snap a photo of a question and the first free tutor joins you
          in a live room. Book regular lessons with a tutor you like, at times shown in your own time zone. Learn together in a
          live classroom with video, chat, screen sharing and a shared whiteboard.
        </p>
        <div className="hero-actions">
          {user ? (
            <Link className="btn btn-primary btn-large" to={roleHome(user.role)}>
              Go to your home
            </Link>
          ) : (
            <>
              <Link className="btn btn-primary btn-large" to="/signup">
                Sign up
              </Link>
              <Link className="btn btn-secondary btn-large" to="/login">
                Log in
              </Link>
            </>
          )}
        </div>
      </div>
      <ul className="features" aria-label="What Tutorline does">
        <li className="feature">
          <FeatureIcon>
            <path d="M4 8h3l2-3h6l2 3h3v11H4z" />
            <circle cx="12" cy="13" r="3.5" />
          </FeatureIcon>
          <h2>Instant help</h2>
          <p>Send a photo of your question. A tutor accepts it and you start talking right away.</p>
        </li>
        <li className="feature">
          <FeatureIcon>
            <rect x="4" y="5" width="16" height="15" rx="2" />
            <path d="M4 10h16M9 3v4M15 3v4" />
          </FeatureIcon>
          <h2>Scheduled lessons</h2>
          <p>Find a tutor by subject, see open slots in your time zone, and book.</p>
        </li>
        <li className="feature">
          <FeatureIcon>
            <rect x="3" y="6" width="13" height="12" rx="2" />
            <path d="M16 10.5 21 7v10l-5-3.5z" />
          </FeatureIcon>
          <h2>Live classroom</h2>
          <p>Voice, video, chat and a whiteboard that survive a shaky connection.</p>
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
