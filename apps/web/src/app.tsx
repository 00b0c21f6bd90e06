import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { createBrowserRouter, Route, RouterProvider, Routes, useLocation, useNavigate, useNavigationType } from 'react-router';
import { I18nProvider } from '@lingui/react';
import { meQueryKey, useMe } from './features/auth';
import { helpQueryRoot } from './features/instant-help';
import { AccountLanguage, i18n, lazyWithArea, useT } from './i18n';
import { sessionsQueryRoot } from './features/sessions';
import { ApiError } from './lib/api';
import { useSessionSocket } from './lib/socket';
import { AskQuestionPage } from './routes/ask-question';
import { LandingPage } from './routes/landing';
import { NotFoundPage } from './routes/not-found';
import { StudentHomePage } from './routes/student-home';
import { OfflineBanner, UpdateBanner } from './shell/pwa/pwa-banners';
import { Announcer, FocusOnRouteChange } from './shell/route-focus';
import { SiteHeader } from './shell/site-header';
import { PageLoading } from './ui/page-states';

// The live room (WebRTC, Yjs, the board) and the self-test load only when opened: most visits never need them.
// Only the student's home and ask pages (and the landing page) are in the first download (the JS budget, #21):
// tutors' and admins' homes and a question's page load with their own chunks.
const TutorHomePage = lazy(() => import('./routes/tutor-home').then((m) => ({ default: m.TutorHomePage })));
const AdminHomePage = lazy(() => import('./routes/admin-home').then((m) => ({ default: m.AdminHomePage })));
const OfflinePage = lazy(() => import('./routes/offline').then((m) => ({ default: m.OfflinePage })));
const QuestionPage = lazy(() => import('./routes/question').then((m) => ({ default: m.QuestionPage })));
// Log-in and sign-up check their forms with the server's zod schemas: zod loads with them, not with every page.
const LoginPage = lazy(() => import('./routes/login').then((m) => ({ default: m.LoginPage })));
const SignUpPage = lazy(() => import('./routes/signup').then((m) => ({ default: m.SignUpPage })));
const SessionPage = lazy(() => import('./routes/session').then((m) => ({ default: m.SessionPage })));
const ClassroomPage = lazy(() => import('./routes/classroom').then((m) => ({ default: m.ClassroomPage })));
const CheckPage = lazy(() => import('./routes/check').then((m) => ({ default: m.CheckPage })));
const DevWhatsAppPage = lazy(() => import('./routes/dev-whatsapp').then((m) => ({ default: m.DevWhatsAppPage })));
const AdminCheckReportPage = lazy(() => import('./routes/admin-check-report').then((m) => ({ default: m.AdminCheckReportPage })));
// Scheduled tutoring: separate chunks, so the instant-help pages stay as small as they were. The student's booking
// pages bring the 'booking' area's words with them (i18n/areas.ts): rendered only once those are loaded.
const FindTutorsPage = lazyWithArea('booking', () => import('./routes/find-tutors').then((m) => ({ default: m.FindTutorsPage })));
const TutorPublicProfilePage = lazyWithArea('booking', () => import('./routes/tutor-public-profile').then((m) => ({ default: m.TutorPublicProfilePage })));
const TutorAvailabilityPage = lazy(() => import('./routes/tutor-availability').then((m) => ({ default: m.TutorAvailabilityPage })));
const MyLessonsPage = lazyWithArea('booking', () => import('./routes/my-lessons').then((m) => ({ default: m.MyLessonsPage })));
// Back from paying for a booked lesson: follows the payment until the lesson is confirmed.
const LessonsPaidPage = lazyWithArea('booking', () => import('./routes/lessons-paid').then((m) => ({ default: m.LessonsPaidPage })));
// Billing (#7): plans and checkout, tutor earnings, admin revenue, plans and refunds.
const BillingPage = lazy(() => import('./routes/billing').then((m) => ({ default: m.BillingPage })));
const BillingReturnPage = lazy(() => import('./routes/billing').then((m) => ({ default: m.BillingReturnPage })));
const TutorEarningsPage = lazy(() => import('./routes/tutor-earnings').then((m) => ({ default: m.TutorEarningsPage })));
const OpsPage = lazy(() => import('./routes/ops').then((m) => ({ default: m.OpsPage })));
const AdminStaffPage = lazy(() => import('./routes/admin-staff').then((m) => ({ default: m.AdminStaffPage })));
const AdminBillingPage = lazy(() => import('./routes/admin-billing').then((m) => ({ default: m.AdminBillingPage })));
const AdminWhatsAppPage = lazy(() => import('./routes/admin-whatsapp').then((m) => ({ default: m.AdminWhatsAppPage })));
const AdminLessonsPage = lazy(() => import('./routes/admin-lessons').then((m) => ({ default: m.AdminLessonsPage })));
const AdminSupportPage = lazy(() => import('./routes/admin-support').then((m) => ({ default: m.AdminSupportPage })));
const AdminPeoplePage = lazy(() => import('./routes/admin-people').then((m) => ({ default: m.AdminPeoplePage })));
const AdminPersonPage = lazy(() => import('./routes/admin-people').then((m) => ({ default: m.AdminPersonPage })));
const AdminSessionPage = lazy(() => import('./routes/admin-people').then((m) => ({ default: m.AdminSessionPage })));
const AdminSupportTicketPage = lazy(() => import('./routes/admin-support').then((m) => ({ default: m.AdminSupportTicketPage })));
const TutorApplicationPage = lazy(() => import('./routes/tutor-application').then((m) => ({ default: m.TutorApplicationPage })));
const AdminOnboardingPage = lazy(() => import('./routes/admin-onboarding').then((m) => ({ default: m.AdminOnboardingPage })));
const AdminOnboardingReviewPage = lazy(() => import('./routes/admin-onboarding').then((m) => ({ default: m.AdminOnboardingReviewPage })));
const SupportPage = lazy(() => import('./routes/support').then((m) => ({ default: m.SupportPage })));
const SupportTicketPage = lazy(() => import('./routes/support').then((m) => ({ default: m.SupportTicketPage })));
// Safety (#20): ops' report queue and flags; a student's blocked tutors.
const AdminSafetyPage = lazy(() => import('./routes/admin-safety').then((m) => ({ default: m.AdminSafetyPage })));
const AdminSafetyReportPage = lazy(() => import('./routes/admin-safety').then((m) => ({ default: m.AdminSafetyReportPage })));
const BlockedTutorsPage = lazy(() => import('./routes/blocked-tutors').then((m) => ({ default: m.BlockedTutorsPage })));
const AdminLtiPage = lazy(() => import('./routes/admin-lti').then((m) => ({ default: m.AdminLtiPage })));
// One tutor's quality and standing for ops (#18).
const AdminTutorPage = lazy(() => import('./routes/admin-tutor').then((m) => ({ default: m.AdminTutorPage })));
const CoursesPage = lazy(() => import('./routes/courses').then((m) => ({ default: m.CoursesPage })));
const CoursePage = lazy(() => import('./routes/courses').then((m) => ({ default: m.CoursePage })));
// Group classes (#15): the list, one class, and a tutor's own.
const ClassesPage = lazy(() => import('./routes/classes').then((m) => ({ default: m.ClassesPage })));
const ClassDetailPage = lazy(() => import('./routes/class-detail').then((m) => ({ default: m.ClassDetailPage })));
const RecordingPage = lazy(() => import('./routes/recording').then((m) => ({ default: m.RecordingPage })));
const GuardianInvitePage = lazy(() => import('./routes/guardian').then((m) => ({ default: m.GuardianInvitePage })));
const GuardianHomePage = lazy(() => import('./routes/guardian').then((m) => ({ default: m.GuardianHomePage })));
// Settings (#20): the data export.
const SettingsPage = lazy(() => import('./routes/settings').then((m) => ({ default: m.SettingsPage })));
const TutorClassesPage = lazy(() => import('./routes/tutor-classes').then((m) => ({ default: m.TutorClassesPage })));

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

/** Query roots whose data socket events keep current. */
const liveQueryRoots = new Set([helpQueryRoot, sessionsQueryRoot]);

/** How long after log-in the room's code is fetched in the background. */
const roomPrefetchDelayMs = 8000;

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
  // Events sent while the socket was down (or before it first connected) are lost: refetch what they would have changed.
  const onConnect = useCallback(() => void queryClient.invalidateQueries({ predicate: (q) => liveQueryRoots.has(String(q.queryKey[0])) }), [queryClient]);
  useSessionSocket(me.data?.id ?? null, { onRevoked, onUnauthenticated, onConnect });
  // Web Push: this browser's subscription renewed once per log-in (kept for a while after its last renewal, #20).
  const userId = me.data?.id;
  useEffect(() => {
    if (!userId) return;
    const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 1500));
    idle(() => void import('./features/notifications/push').then((m) => m.renewPush()).catch(() => undefined));
  }, [userId]);
  // Students and tutors may be sent into a room at any moment (a question is accepted): have its code ready.
  const role = me.data?.role;
  // Not at once: the first pages are usable on the first download alone (the JS budget, #21), the room comes after.
  useEffect(() => {
    if (role !== 'student' && role !== 'tutor') return;
    const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 1500));
    const timer = window.setTimeout(() => idle(() => void import('./routes/session')), roomPrefetchDelayMs);
    return () => window.clearTimeout(timer);
  }, [role]);
  return null;
}

/** A new page starts at its top (the ask form is left scrolled to its Send button); Back keeps the browser's own position. */
function ScrollToTopOnNavigate() {
  const { pathname } = useLocation();
  const navigationType = useNavigationType();
  useEffect(() => {
    if (navigationType !== 'POP') window.scrollTo(0, 0);
  }, [pathname, navigationType]);
  return null;
}

/**
 * A data router around the app's own <Routes>: the same pages, plus what only a data router offers (useBlocker, so
 * the live room can ask before Back leaves a call).
 */
const router = createBrowserRouter([{ path: '*', element: <Shell /> }]);

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </I18nProvider>
  );
}

function Shell() {
  const t = useT();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <AccountLanguage />
      <SessionSocket />
      <ScrollToTopOnNavigate />
      <FocusOnRouteChange />
      <Announcer />
      <SiteHeader />
      <UpdateBanner />
      <OfflineBanner />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<PageLoading />}>
          <Routes>
            <Route path="/" element={<LandingPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/student" element={<StudentHomePage />} />
            <Route path="/student/ask" element={<AskQuestionPage />} />
            <Route path="/student/questions/:id" element={<QuestionPage />} />
            <Route path="/session/:id" element={<SessionPage />} />
            <Route path="/classes/:id/room" element={<ClassroomPage />} />
            <Route path="/tutor" element={<TutorHomePage />} />
            <Route path="/tutor/availability" element={<TutorAvailabilityPage />} />
            <Route path="/tutor/application" element={<TutorApplicationPage />} />
            <Route path="/guardian" element={<GuardianHomePage />} />
            <Route path="/guardian/invite" element={<GuardianInvitePage />} />
            <Route path="/tutors" element={<FindTutorsPage />} />
            <Route path="/tutors/:id" element={<TutorPublicProfilePage />} />
            <Route path="/lessons" element={<MyLessonsPage />} />
            <Route path="/classes" element={<ClassesPage />} />
            <Route path="/classes/:id" element={<ClassDetailPage />} />
            <Route path="/recordings/:id" element={<RecordingPage />} />
            <Route path="/tutor/classes" element={<TutorClassesPage />} />
            <Route path="/lessons/paid" element={<LessonsPaidPage />} />
            <Route path="/billing" element={<BillingPage />} />
            <Route path="/billing/return" element={<BillingReturnPage />} />
            <Route path="/tutor/earnings" element={<TutorEarningsPage />} />
            <Route path="/admin/billing" element={<AdminBillingPage />} />
            <Route path="/admin/lti" element={<AdminLtiPage />} />
            <Route path="/courses" element={<CoursesPage />} />
            <Route path="/courses/:id" element={<CoursePage />} />
            <Route path="/admin/staff" element={<AdminStaffPage />} />
            <Route path="/ops" element={<OpsPage />} />
            <Route path="/admin" element={<AdminHomePage />} />
            <Route path="/admin/check/:id" element={<AdminCheckReportPage />} />
            <Route path="/admin/tutors/:id" element={<AdminTutorPage />} />
            <Route path="/admin/support" element={<AdminSupportPage />} />
            <Route path="/admin/lessons" element={<AdminLessonsPage />} />
            <Route path="/admin/whatsapp" element={<AdminWhatsAppPage />} />
            <Route path="/admin/people" element={<AdminPeoplePage />} />
            <Route path="/admin/people/:id" element={<AdminPersonPage />} />
            <Route path="/admin/sessions/:id" element={<AdminSessionPage />} />
            <Route path="/admin/onboarding" element={<AdminOnboardingPage />} />
            <Route path="/admin/onboarding/:id" element={<AdminOnboardingReviewPage />} />
            <Route path="/admin/support/:id" element={<AdminSupportTicketPage />} />
            <Route path="/admin/safety" element={<AdminSafetyPage />} />
            <Route path="/admin/safety/:id" element={<AdminSafetyReportPage />} />
            <Route path="/settings/blocked" element={<BlockedTutorsPage />} />
            <Route path="/support" element={<SupportPage />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="/support/:id" element={<SupportTicketPage />} />
            <Route path="/check" element={<CheckPage />} />
            <Route path="/offline" element={<OfflinePage />} />
            <Route path="/dev/whatsapp" element={<DevWhatsAppPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
