/** Default per-question earnings by subject, seeded once; admins will manage them with billing (#7). */
export const defaultHelpRates: { subjectId: string; currency: string; amountMinor: number }[] = [
  ['maths', 4000, 150],
  ['physics', 4500, 175],
  ['chemistry', 4500, 175],
  ['biology', 4000, 150],
  ['english', 3500, 125],
  ['computer-science', 5000, 200],
  ['accountancy', 4500, 175],
  ['economics', 4000, 150],
  ['hindi', 3000, 100],
  ['history', 3000, 100],
  ['geography', 3000, 100],
  ['statistics', 4500, 175],
].flatMap(([subjectId, inr, usd]) => [
  { subjectId: subjectId as string, currency: 'INR', amountMinor: inr as number },
  { subjectId: subjectId as string, currency: 'USD', amountMinor: usd as number },
]);
