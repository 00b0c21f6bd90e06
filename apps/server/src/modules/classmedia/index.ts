export { classMediaModule } from './classmedia.install';
