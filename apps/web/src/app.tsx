import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { BrowserRouter, Route, Routes, useNavigate } from 'react-router';
import { meQueryKey, useMe } from './features/auth';
import { ApiError } from './lib/api';
import { useSessionSocket } from './lib/socket';
import { AdminHomePage } from './routes/admin-home';
import { LandingPage } from './routes/landing';
import { LoginPage } from './routes/login';
import { NotFoundPage } from './routes/not-found';
import { SignUpPage } from './routes/signup';
import { StudentHomePage } from './routes/student-home';
import { TutorHomePage } from './routes/tutor-home';
import { SiteHeader } from './shell/site-header';

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change on retry; network trouble and 5xx might.
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}

/** Holds the realtime connection open while someone is logged in, and reacts when the server ends the session. */
function SessionSocket() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const onRevoked = useCallback(() => {
    queryClient.clear();
    queryClient.setQueryData(meQueryKey, null);
    void navigate('/login', { replace: true });
  }, [queryClient, navigate]);
  const onUnauthenticated = useCallback(() => void queryClient.invalidateQueries({ queryKey: meQueryKey }), [queryClient]);
  useSessionSocket(me.data?.id ?? null, { onRevoked, onUnauthenticated });
  return null;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SessionSocket />
        <SiteHeader />
        <main id="main" tabIndex={-1}>
          <Routes>
            <Route path="/" element={<LandingPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/student" element={<StudentHomePage />} />
            <Route path="/tutor" element={<TutorHomePage />} />
            <Route path="/admin" element={<AdminHomePage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </main>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
