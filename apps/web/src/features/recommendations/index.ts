export { AlsoBooked } from './also-booked';
export { recordProfileView } from './recommendation-queries';
export { PersonalisationToggle, TutorsForYou } from './tutors-for-you';
