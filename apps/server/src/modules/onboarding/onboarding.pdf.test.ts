import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkPdf, decodeName, sniffDocument } from './onboarding.pdf';
import { cleanPdf, pdfOf, stream } from './onboarding.testkit';

describe('a PDF with nothing active', () => {
  it('passes: text, a page destination on open, binary image data with look-alike bytes', () => {
    expect(checkPdf(cleanPdf())).toEqual({ ok: true });
    // "/JS" and "/AA" inside binary data, not followed by a value, are noise, not keys.
    const noise = Buffer.from([0xff, 0xd8, 0x2f, 0x4a, 0x53, 0xff, 0x2f, 0x41, 0x41, 0x0a, 0xee]);
    expect(checkPdf(pdfOf([stream('/Type /XObject /Subtype /Image /Filter /DCTDecode', noise)]))).toEqual({ ok: true });
  });
});

describe('refusing active content', () => {
  const cases: [string, Buffer, string][] = [
    ['a JavaScript action opened with the document', pdfOf(['<< /S /JavaScript /JS (app.alert(1)) >>'], '/OpenAction 4 0 R '), 'JavaScript'],
    ['/JS alone, with a string', pdfOf(['<< /JS (app.alert(1)) >>']), 'JS'],
    ['/JS pointing at a stream', pdfOf(['<< /S /JavaScrip#74 /JS 5 0 R >>', stream('', Buffer.from('app.alert(1)'))]), 'JavaScript'],
    ['an obfuscated name: /J#61vaScript', pdfOf(['<< /S /J#61vaScript /J#53 (x) >>']), 'JavaScript'],
    ['every letter escaped', pdfOf(['<< /S /#4A#61#76#61#53#63#72#69#70#74 >>']), 'JavaScript'],
    ['an inline OpenAction that is not a destination', pdfOf([], '/OpenAction << /S /URI /URI (http://evil.test) >> '), 'OpenAction'],
    ['additional actions (/AA) on a page', pdfOf(['<< /Type /Annot /AA << /O 5 0 R >> >>']), 'AA'],
    ['an obfuscated /A#41', pdfOf(['<< /A#41 << /O 5 0 R >> >>']), 'AA'],
    ['launching a program', pdfOf(['<< /S /Launch /F (cmd.exe) >>']), 'Launch'],
    ['an embedded file', pdfOf(['<< /Type /EmbeddedFile >>']), 'EmbeddedFile'],
  ];
  for (const [what, pdf, found] of cases) {
    it(`refuses ${what}`, () => {
      const verdict = checkPdf(pdf);
      expect(verdict).toMatchObject({ ok: false, reason: 'active_content', found });
      expect(!verdict.ok && verdict.message).toContain('cannot be accepted');
    });
  }

  it('finds a script hidden in a compressed object stream, whose own type is obfuscated', () => {
    const inner = Buffer.from('5 0 << /S /JavaScript /JS (app.launchURL("http://evil.test")) >>');
    const pdf = pdfOf([stream('/Type /Obj#53tm /N 1 /First 4 /Filter /Fl#61teDecode', deflateSync(inner))], '/OpenAction 5 0 R ');
    expect(checkPdf(pdf)).toMatchObject({ ok: false, reason: 'active_content', found: 'JavaScript' });
  });

  it('refuses what it cannot read instead of guessing: another compression, damaged streams, encryption', () => {
    expect(checkPdf(pdfOf([stream('/Type /ObjStm /N 1 /First 4 /Filter /LZWDecode', Buffer.from([0x80, 0x0b, 0x60]))]))).toMatchObject({ ok: false, reason: 'unreadable' });
    expect(checkPdf(pdfOf([stream('/Type /ObjStm /N 1 /First 4 /Filter [/ASCII85Decode /FlateDecode]', Buffer.from('abc'))]))).toMatchObject({ ok: false, reason: 'unreadable' });
    expect(checkPdf(pdfOf([stream('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', Buffer.from('not zlib at all'))]))).toMatchObject({ ok: false, reason: 'unreadable' });
    const encrypted = Buffer.from(cleanPdf().toString('latin1').replace('trailer\n<<', 'trailer\n<< /Encrypt 9 0 R'), 'latin1');
    expect(checkPdf(encrypted)).toMatchObject({ ok: false, reason: 'encrypted' });
  });

  it('refuses a file that is not a PDF by its bytes, or is cut short', () => {
    expect(checkPdf(Buffer.from('<html><script>alert(1)</script></html>'))).toMatchObject({ ok: false, reason: 'not_a_pdf' });
    const cut = cleanPdf().subarray(0, 120);
    expect(checkPdf(cut)).toMatchObject({ ok: false, reason: 'unreadable' });
  });
});

describe('names and file types', () => {
  it('decodes #xx escapes', () => {
    expect(decodeName('J#61vaScript')).toBe('JavaScript');
    expect(decodeName('A#2')).toBe('A#2');
  });
  it('tells PDFs and images from anything else by the first bytes', () => {
    expect(sniffDocument(cleanPdf())).toBe('pdf');
    expect(sniffDocument(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image');
    expect(sniffDocument(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image');
    expect(sniffDocument(Buffer.from('MZ\x90\x00 this is an exe'))).toBe('unknown');
    expect(sniffDocument(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('unknown');
  });
});
