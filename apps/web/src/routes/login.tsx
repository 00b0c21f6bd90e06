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
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);

  const server = formErrorsOf(logIn.error, formFields);
  const errors = { ...server.fields, ...localErrors };
  useFocusFirstInvalid(formRef, attempt, logIn.error);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!email.trim()) local.email = 'is required';
    if (!password) local.password = 'is required';
    setLocalErrors(local);
    setAttempt((n) => n + 1);
    if (Object.keys(local).length > 0) return;
    const from: unknown = (location.state as { from?: unknown } | null)?.from;
    logIn.mutate(
      { email: email.trim(), password },
      { onSuccess: (user) => void navigate(landingPathFor(user.role, from), { replace: true }) },
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
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            error={errors.password}
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
