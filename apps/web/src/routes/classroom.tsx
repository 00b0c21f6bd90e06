import { useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { ClassroomScreen } from '../features/classroom';
import { usePageTitle } from '../lib/page-title';

/** /classes/:id/room: the live classroom; the server decides who enters and as what (teacher, learner, observer). */
export function ClassroomPage() {
  const { id = '' } = useParams();
  usePageTitle('Classroom');
  return <RequireRole role={['student', 'tutor', 'admin']}>{() => <ClassroomScreen classId={id} />}</RequireRole>;
}
