import { describe, expect, it } from 'vitest';
import { type ContactCategory, detectContacts, MASK, maskContacts, screenText } from './safety.detect.rules';

/** The categories found, and the text each span covers. */
const found = (text: string) => detectContacts(text).map((m) => [m.category, text.slice(m.start, m.end)] as [ContactCategory, string]);
const categories = (text: string) => [...new Set(detectContacts(text).map((m) => m.category))];

describe('phone numbers', () => {
  it.each([
    ['call me 9876543210', '9876543210'],
    ['my no. +91 98765 43210 ok', '+91 98765 43210'],
    ['+919876543210', '+919876543210'],
    ['09876543210', '09876543210'],
    ['98765-43210', '98765-43210'],
    ['98.765.432.10', '98.765.432.10'],
    ['9 8 7 6 5 4 3 2 1 0', '9 8 7 6 5 4 3 2 1 0'],
    ['9-8-7-6-5-4-3-2-1-0', '9-8-7-6-5-4-3-2-1-0'],
    ['98765 hello 43210', '98765 hello 43210'],
    ['987 then 654 then 3210', '987 then 654 then 3210'],
    ['(415) 555-0132 is my cell', '415) 555-0132'],
    ['+1 415 555 0132', '+1 415 555 0132'],
    ['+44 20 7946 0958', '+44 20 7946 0958'],
    ['+49 30 901820', '+49 30 901820'],
    ['nine eight seven six five four three two one zero', 'nine eight seven six five four three two one zero'],
    ['Nine Eight 7 6 5, four three 2 1 0 text me', 'Nine Eight 7 6 5, four three 2 1 0'],
    ['nine8seven6five4three2one0', 'nine8seven6five4three2one0'],
    ['double nine eight seven six five four three two one', 'double nine eight seven six five four three two one'],
    ['९८७६५४३२१०', '९८७६५४३२१०'],
    ['मेरा नंबर नौ आठ सात छह पाँच चार तीन दो एक शून्य है', 'नौ आठ सात छह पाँच चार तीन दो एक शून्य'],
    ['नौ आठ 7 6 ५ ४ three two एक 0', 'नौ आठ 7 6 ५ ४ three two एक 0'],
    ['nau aath saat chhe paanch char teen 2 ek shunya', 'nau aath saat chhe paanch char teen 2 ek shunya'],
    ['98765 and 43210', '98765 and 43210'],
    ['9876 54 3210', '9876 54 3210'],
  ])('%s', (text, span) => {
    expect(found(text)).toEqual([['phone', span]]);
  });

  it('finds two numbers in one message', () => {
    expect(found('home 9876543210, dad 8765432109')).toEqual([
      ['phone', '9876543210'],
      ['phone', '8765432109'],
    ]);
    expect(categories('9876543210 or mail x@y.com')).toEqual(['phone', 'email']);
  });
});

describe('emails', () => {
  it.each([
    ['riya.k99@gmail.com', 'riya.k99@gmail.com'],
    ['mail riya.k99@gmail.com now', 'riya.k99@gmail.com'],
    ['riya at gmail dot com', 'riya at gmail dot com'],
    ['riya AT gmail DOT com', 'riya AT gmail DOT com'],
    ['riya (at) gmail (dot) com', 'riya (at) gmail (dot) com'],
    ['riya[at]yahoo[.]co[.]in', 'riya[at]yahoo[.]co[.]in'],
    ['riya at the rate gmail dot com', 'riya at the rate gmail dot com'],
    ['riya @ gmail . com', 'riya @ gmail . com'],
    ['teacher@school.edu.in', 'teacher@school.edu.in'],
  ])('%s', (text, span) => {
    expect(found(text)).toEqual([['email', span]]);
  });
});

describe('social handles', () => {
  it.each([
    ['follow @riya_22', '@riya_22'],
    ['snap: riya_22', 'snap: riya_22'],
    ['insta id - riya.k', 'insta id - riya.k'],
    ['add me on snapchat', 'snapchat'],
    ['message me on telegram', 'telegram'],
    ['telegram @riya22', 'telegram @riya22'],
    ['wa.me/919876543210', 'wa.me/919876543210'],
    ['t.me/riya22', 't.me/riya22'],
    ['my insta is riya_k', 'insta is riya_k'],
    ['discord: riya#1234', 'discord: riya'],
  ])('%s', (text, span) => {
    expect(found(text)[0]).toEqual(['social', span]);
  });
});

describe('payment handles', () => {
  it.each([
    ['pay to riya@okaxis', 'riya@okaxis'],
    ['9876543210@ybl', '9876543210@ybl'],
    ['send on paytm', 'paytm'],
    ['gpay me', 'gpay'],
    ['G Pay', 'G Pay'],
    ['google pay is fine', 'google pay'],
    ['paypal.me/riyak', 'paypal.me/riyak'],
    ['my upi id', 'upi id'],
    ['phonepe', 'phonepe'],
  ])('%s', (text, span) => {
    expect(found(text)[0]).toEqual(['payment', span]);
  });
});

describe('links', () => {
  it.each([
    ['see https://example.org/x?y=1', 'https://example.org/x?y=1'],
    ['www.riyatutors.com', 'www.riyatutors.com'],
    ['www . riyatutors . com', 'www . riyatutors . com'],
    ['bit.ly/3xYz', 'bit.ly/3xYz'],
    ['join meet.google.com/abc-defg-hij', 'meet.google.com/abc-defg-hij'],
    ['zoom.us/j/123456', 'zoom.us/j/123456'],
  ])('%s', (text, span) => {
    expect(found(text)[0]).toEqual(['link', span]);
  });
});

describe('normal tutoring text is left alone', () => {
  it.each([
    '2x + 3 = 11, so x = 4',
    'Solve 3x² − 12x + 9 = 0',
    '(a + b)² = a² + 2ab + b²',
    'The French Revolution began in 1789 and ended in 1799.',
    'Between 1947, 1950 and 1962 India changed a lot',
    'Years: 1998 2005 2010',
    'It costs ₹1,500 or $20.99 per hour',
    'The population is 1,40,00,00,000 people',
    'That is 1,000,000,000 exactly',
    'See you at 10:30 tomorrow, or 11:45',
    'pi is 3.14159265358979',
    'Do questions 12, 15, 18, 21 and 24 from chapter 3',
    'Page 120 135 150 165 have the diagrams',
    'one two three four five six seven eight nine, count with me',
    'I got 95 out of 100 in maths and 88 in science',
    'Let me look at this dot product: a · b = 12',
    'e.g. the answer is i.e. 42',
    'Open photo.jpg and Figure 3.2',
    'Can you do question 7 on page 45?',
    'The tutor said: well done! Someone will check it.',
    'a = 9, b = 8, c = 7, d = 6, e = 5',
    'Use the app to pay, then we start',
    'Send me the photo on the whiteboard',
    'The ratio is 4:3 and the time is 09:15 am',
    'Roll no. 23, class 10 B',
    'x = 1234 + 5678 + 9012',
    '12 x 34 = 408',
    'Ten, twenty, thirty',
    'दो और तीन मिलकर पाँच होते हैं',
  ])('%s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('masking', () => {
  it('replaces each span with the mask and keeps the rest', () => {
    const text = 'call 9876543210 or riya at gmail dot com, thanks';
    expect(screenText(text)).toMatchObject({ text: `call ${MASK} or ${MASK}, thanks`, categories: ['phone', 'email'] });
  });

  it('leaves clean text as it was', () => {
    expect(screenText('2x + 3 = 11')).toEqual({ text: '2x + 3 = 11', matches: [], categories: [] });
    expect(maskContacts('abc', [])).toBe('abc');
  });

  it('masks mixed evasions in one message', () => {
    const out = screenText('snap: riya_22 ya nau aath saat 6 5 ४ ३ two one zero, paytm bhi');
    expect(out.categories).toEqual(['social', 'phone', 'payment']);
    expect(out.text).not.toMatch(/riya|nau|paytm|४/);
  });
});
