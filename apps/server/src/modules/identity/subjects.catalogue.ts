/** Reference data: the subjects catalogue, upserted at every boot (new entries appear; nothing is deleted). */
const school = ['grade-6-8', 'grade-9-10', 'grade-11-12'];
const withUni = [...school, 'university'];

export const subjectsCatalogue: { id: string; name: string; levels: string[] }[] = [
  { id: 'maths', name: 'Mathematics', levels: ['grade-1-5', ...withUni] },
  { id: 'physics', name: 'Physics', levels: withUni },
  { id: 'chemistry', name: 'Chemistry', levels: withUni },
  { id: 'biology', name: 'Biology', levels: withUni },
  { id: 'english', name: 'English', levels: ['grade-1-5', ...withUni] },
  { id: 'computer-science', name: 'Computer science', levels: withUni },
  { id: 'accountancy', name: 'Accountancy', levels: ['grade-11-12', 'university'] },
  { id: 'economics', name: 'Economics', levels: ['grade-11-12', 'university'] },
  { id: 'hindi', name: 'Hindi', levels: ['grade-1-5', ...school] },
  { id: 'history', name: 'History', levels: school },
  { id: 'geography', name: 'Geography', levels: school },
  { id: 'statistics', name: 'Statistics', levels: ['grade-11-12', 'university'] },
];
