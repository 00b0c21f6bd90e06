import { describe, expect, it } from 'vitest';
import { translate } from '../i18n';
import { activeNavItem, navItems, navItemsFor, showsNav } from './nav-items';

describe('the app navigation', () => {
  it('gives each role its main places', () => {
    expect(navItems.student.map((i) => translate(i.label))).toEqual(['Home', 'Ask', 'Find a tutor', 'My lessons', 'Classes', 'Plans']);
    expect(navItems.tutor.map((i) => translate(i.label))).toEqual(['Home', 'Availability', 'My lessons', 'Classes', 'Earnings']);
    expect(navItems.admin.map((i) => translate(i.label))).toEqual(['Tutors', 'Ops', 'Support', 'Billing', 'Self-test', 'LMS']);
    expect(navItems.course_staff.map((i) => translate(i.label))).toEqual(['My courses']);
  });

  it('shows billing only to finance and admin staff (the money routes refuse ops and support)', () => {
    const labels = (staff: Parameters<typeof navItemsFor>[1]) => navItemsFor('admin', staff).map((i) => translate(i.label));
    expect(labels(['ops'])).toEqual(['Tutors', 'Ops', 'Support', 'Self-test', 'LMS']);
    expect(labels(['support'])).not.toContain('Billing');
    expect(labels(['finance'])).toContain('Billing');
    expect(labels(['admin'])).toEqual(['Tutors', 'Ops', 'Support', 'Billing', 'Self-test', 'LMS']);
    expect(navItemsFor('student').map((i) => translate(i.label))).toEqual(['Home', 'Ask', 'Find a tutor', 'My lessons', 'Classes', 'Plans']);
  });

  it('marks the item a page belongs to, by the longest matching path', () => {
    const active = (role: keyof typeof navItems, path: string) => {
      const item = activeNavItem(navItems[role], path);
      return item ? translate(item.label) : null;
    };
    expect(active('student', '/student')).toBe('Home');
    expect(active('student', '/student/ask')).toBe('Ask');
    expect(active('student', '/student/questions/abc')).toBe('Home');
    expect(active('student', '/tutors/0b6c')).toBe('Find a tutor');
    expect(active('student', '/lessons/paid')).toBe('My lessons');
    expect(active('student', '/billing/return')).toBe('Plans');
    expect(active('student', '/studentx')).toBeNull();
    expect(active('tutor', '/tutor')).toBe('Home');
    expect(active('tutor', '/tutor/availability')).toBe('Availability');
    expect(active('tutor', '/tutor/earnings')).toBe('Earnings');
    expect(active('student', '/classes/c1')).toBe('Classes');
    expect(active('tutor', '/tutor/classes')).toBe('Classes');
    expect(active('tutor', '/classes/c1')).toBe('Classes');
    expect(active('admin', '/admin/billing')).toBe('Billing');
    expect(active('admin', '/admin/check/r1')).toBe('Tutors');
    expect(active('admin', '/check')).toBe('Self-test');
    expect(active('admin', '/admin/support/t1')).toBe('Support');
    expect(active('admin', '/admin/safety/r1')).toBe('Ops');
  });

  it('leaves the live room its whole screen', () => {
    expect(showsNav('/session/abc')).toBe(false);
    expect(showsNav('/lessons')).toBe(true);
  });
});
