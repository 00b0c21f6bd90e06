export { ClassCard } from './class-card';
export { ClassCreateForm } from './class-create-form';
export { ClassDetail } from './class-detail';
export { ClassList } from './class-list';
export { TutorClassesSection } from './tutor-classes-section';
export { classesQueryRoot, useClass, useMyClasses } from './classes-queries';
