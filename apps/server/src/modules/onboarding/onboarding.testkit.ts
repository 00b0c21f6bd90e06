/** PDFs written by hand for onboarding's tests (unit and integration). */

/** A small PDF written by hand: the objects given (as text or bytes), a catalogue, and a trailer. */
export function pdfOf(objects: (string | Buffer)[], catalogExtra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const all = [`<< /Type /Catalog /Pages 2 0 R ${catalogExtra}>>`, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>', ...objects];
  all.forEach((o, i) => {
    parts.push(Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof o === 'string' ? Buffer.from(o, 'latin1') : o, Buffer.from('\nendobj\n', 'latin1'));
  });
  parts.push(Buffer.from(`trailer\n<< /Root 1 0 R /Size ${all.length + 1} >>\nstartxref\n0\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

export const stream = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);

export const cleanPdf = () => pdfOf([stream('', Buffer.from('BT /F1 12 Tf 20 100 Td (B.Sc. Mathematics, 2019) Tj ET'))], '/OpenAction [3 0 R /Fit] ');

