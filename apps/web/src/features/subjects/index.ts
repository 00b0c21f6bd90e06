export { levelLabel, useSubjectName, useSubjects } from './use-subjects';
