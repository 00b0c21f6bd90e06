import type { RecordingView } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';

export const recordingKeys = {
  ofClass: (classId: string) => ['recordings', 'class', classId] as const,
  one: (id: string) => ['recordings', 'one', id] as const,
};

/** A class's recordings (its teacher, enrolled learners and admins); read again while one is being converted. */
export function useClassRecordings(classId: string, enabled = true) {
  return useQuery({
    queryKey: recordingKeys.ofClass(classId),
    queryFn: () => api.get<{ recordings: RecordingView[] }>(`/api/classes/${encodeURIComponent(classId)}/recordings`).then((r) => r.recordings),
    enabled,
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === 'converting' || r.status === 'recording') ? 5000 : false),
  });
}

export function useRecording(id: string) {
  return useQuery({ queryKey: recordingKeys.one(id), queryFn: () => api.get<{ recording: RecordingView }>(`/api/recordings/${encodeURIComponent(id)}`).then((r) => r.recording) });
}
