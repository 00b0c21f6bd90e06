import { logInBodySchema } from '@tutorline/contracts';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { landingPathFor, roleHome, useLogIn, useLogOut, useMe } from '../features/auth';
import { formErrorsOf } from '../lib/form-errors';
import { usePageTitle } from '../lib/page-title';
import { useFocusFirstInvalid } from '../lib/use-focus-first-invalid';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';

const formFields = ['email', 'password'];

/** The form checked with the server's own schema, so a mistyped email shows before a submit, in the server's words. */
function logInFieldErrors(email: string, password: string): Record<string, string> {
  const parsed = logInBodySchema.safeParse({ email, password });
  const errors: Record<string, string> = {};
  for (const issue of parsed.error?.issues ?? []) {
    const field = String(issue.path[0] ?? '');
    if (field && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

export function LoginPage() {
  usePageTitle('Log in');
  const me = useMe();
  const logIn = useLogIn();
  const logOut = useLogOut();
  const navigate = useNavigate();
  const location = useLocation();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [attempt, setAttempt] = useState(0);

  const local = logInFieldErrors(email, password);
  const shown = Object.fromEntries(Object.entries(local).filter(([field]) => submitted || touched.has(field)));
  const server = formErrorsOf(logIn.error, formFields);
  const errors: Record<string, string | undefined> = { ...server.fields, ...shown };
  useFocusFirstInvalid(formRef, attempt, logIn.error);
  const leave = (field: string) => () => setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setAttempt((n) => n + 1);
    if (Object.keys(local).length > 0) return;
    const from: unknown = (location.state as { from?: unknown } | null)?.from;
    // An LTI account link (#16) sends people here with ?next=/lti/link?token=…: a server page, so a full navigation.
    const next = new URLSearchParams(location.search).get('next');
    const toLtiLink = next !== null && next.startsWith('/lti/link?') ? next : null;
    logIn.mutate(
      { email: email.trim(), password },
      { onSuccess: (user) => (toLtiLink ? window.location.assign(toLtiLink) : void navigate(landingPathFor(user.role, from), { replace: true })) },
    );
  };

  const signedIn = me.data && !logIn.isSuccess ? me.data : null;

  return (
    <section className="page page-narrow" aria-labelledby="login-title">
      <div className="card">
        <div className="card-intro">
          <h1 id="login-title">Log in</h1>
          <p className="muted">Welcome back to Tutorline.</p>
        </div>
        {signedIn && (
          <Alert tone="info" title={`You are already logged in as ${signedIn.displayName}.`}>
            <p>
              <Link to={roleHome(signedIn.role)}>Go to your home</Link>. Not you?{' '}
              <button type="button" className="link-button" onClick={() => logOut.mutate()} disabled={logOut.isPending}>
                Use another account
              </button>
            </p>
          </Alert>
        )}
        <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            inputMode="email"
            autoCapitalize="none"
            spellCheck={false}
            value={email}
            error={errors.email}
            onBlur={leave('email')}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            error={errors.password}
            onBlur={leave('password')}
            onChange={(e) => setPassword(e.target.value)}
          />
          {server.summary && <Alert tone="error">{server.summary}</Alert>}
          <Button type="submit" block pending={logIn.isPending} pendingLabel="Logging in…">
            Log in
          </Button>
        </form>
        <p className="form-footer">
          New to Tutorline? <Link to="/signup">Create an account</Link>
        </p>
      </div>
    </section>
  );
}
