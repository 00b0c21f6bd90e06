export { ClassroomScreen } from './classroom-screen';
export { ClassroomConnection, type ClassroomSnapshot } from './classroom-connection';
