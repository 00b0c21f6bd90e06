export { levelLabel, subjectLabel, useSubjectName, useSubjects } from './use-subjects';
