export { TutorQualityView } from './tutor-quality-view';
