/** 12550 INR → "₹125.50"; the number of minor digits comes from the currency (JPY has none). */
export function formatMinor(amountMinor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amountMinor / 10 ** digits);
  } catch {
    // An unknown currency code: show it plainly rather than fail.
    return `${(amountMinor / 100).toFixed(2)} ${currency}`;
  }
}
