/**
 * What an answered question earns its tutor, and in which currency (decision 029). Pure: the rates, the currency of
 * the money that paid for the question and the exchange rates are passed in.
 *
 * - The earning is in the currency of the money that paid for the question (the subscription or pack payment it is
 *   funded by), so each currency's revenue report reconciles. A question nobody paid for (a demo or goodwill credit,
 *   entitlements off) is the platform's own cost, in the tutor's currency.
 * - Its amount is the subject's rate in that currency when the rate table has one (admins set rates per currency, as
 *   they set plan prices: no conversion). Otherwise the rate in the tutor's own currency is converted with a configured
 *   exchange rate, and the conversion (from what, at which rate, from which source) is kept on the ledger transaction.
 * - With no exchange rate for the pair, nothing can be put in the payment's currency: the earning is posted in the
 *   rate's own currency as the platform's cost, not linked to the payment (a refund of it then does not reverse it),
 *   and the caller logs it. Each currency still reconciles; configure BILLING_FX_RATES to avoid it.
 */

/** Exchange rates, each 1 `from` = `rate` `to` (a decimal string); the inverse pair is derived. */
export interface FxTable {
  rates: { from: string; to: string; rate: string }[];
  /** Where the rates come from, recorded with every conversion. */
  source: string;
}

export interface Conversion {
  fromCurrency: string;
  fromAmountMinor: number;
  /** The rate applied, as a decimal string with FX_SCALE places: amount = round(fromAmountMinor × rate). */
  rate: string;
  source: string;
}

export interface EarningTerms {
  amountMinor: number;
  currency: string;
  /** Whether the earning is in the funding payment's currency (and so linked to it: its refund reverses a share). */
  funded: boolean;
  conversion: Conversion | null;
  /** Set when the payment's currency could not be reached (no rate in it and no exchange rate to it). */
  unconverted: { wanted: string } | null;
}

/** Decimal places kept for an exchange rate (numeric(24, 12) on ledger_transactions.fx_rate). */
export const FX_SCALE = 12;
const ONE = 10n ** BigInt(FX_SCALE);

/** '83.25' → 83.25 × 10^FX_SCALE as a bigint; throws on anything but a plain positive decimal. */
export function parseRate(text: string): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a decimal exchange rate`);
  const fraction = (m[2] ?? '').slice(0, FX_SCALE).padEnd(FX_SCALE, '0');
  const scaled = BigInt(m[1]!) * ONE + BigInt(fraction || '0');
  if (scaled <= 0n) throw new Error(`"${text}" is not a positive exchange rate`);
  return scaled;
}

/** A scaled rate back to its decimal string with FX_SCALE places ('83.250000000000'). */
export function formatRate(scaled: bigint): string {
  return `${scaled / ONE}.${String(scaled % ONE).padStart(FX_SCALE, '0')}`;
}

function directRate(fx: FxTable, from: string, to: string): bigint | null {
  const direct = fx.rates.find((r) => r.from === from && r.to === to);
  if (direct) return parseRate(direct.rate);
  const opposite = fx.rates.find((r) => r.from === to && r.to === from);
  if (!opposite) return null;
  const r = parseRate(opposite.rate);
  return (ONE * ONE * 2n + r) / (2n * r);
}

/**
 * 1 `from` in `to`, scaled by 10^FX_SCALE: the configured pair, the inverse of the opposite pair (rounded half up), or
 * a cross rate through a currency both are quoted against (rates are usually all quoted against one currency, INR).
 */
export function rateBetween(fx: FxTable, from: string, to: string): { rate: bigint; via: string | null } | null {
  const direct = directRate(fx, from, to);
  if (direct !== null) return { rate: direct, via: null };
  const pivots = [...new Set(fx.rates.flatMap((r) => [r.from, r.to]))].filter((c) => c !== from && c !== to).sort();
  for (const via of pivots) {
    const a = directRate(fx, from, via);
    const b = a === null ? null : directRate(fx, via, to);
    if (a !== null && b !== null) return { rate: (a * b * 2n + ONE) / (2n * ONE), via };
  }
  return null;
}

/** minor × rate, rounded half up to a whole minor unit (every money currency here has two decimals). */
export function convertMinor(amountMinor: number, scaledRate: bigint): number {
  return Number((BigInt(amountMinor) * scaledRate * 2n + ONE) / (2n * ONE));
}

/** Parses 'USD:INR=83.25,EUR:INR=90.1' (BILLING_FX_RATES). */
export function parseFxRates(text: string): FxTable['rates'] {
  const out: FxTable['rates'] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Z]{3}):([A-Z]{3})=(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || m[1] === m[2]) throw new Error(`"${part}" is not FROM:TO=rate (say USD:INR=83.25)`);
    parseRate(m[3]!);
    out.push({ from: m[1]!, to: m[2]!, rate: m[3]! });
  }
  return out;
}

export function questionEarningTerms(p: {
  /** The currency of the payment that paid for the question, or null when none did. */
  paidIn: string | null;
  tutorCurrency: string;
  /** The subject's per-question rates, one per currency. */
  rates: { currency: string; amountMinor: number }[];
  fx: FxTable;
}): EarningTerms | null {
  if (!p.rates.length) return null;
  const target = p.paidIn ?? p.tutorCurrency;
  const direct = p.rates.find((r) => r.currency === target);
  if (direct) return { amountMinor: direct.amountMinor, currency: target, funded: p.paidIn !== null, conversion: null, unconverted: null };
  const base = p.rates.find((r) => r.currency === p.tutorCurrency) ?? p.rates.find((r) => r.currency === 'INR') ?? p.rates[0]!;
  const found = rateBetween(p.fx, base.currency, target);
  if (found === null) return { amountMinor: base.amountMinor, currency: base.currency, funded: false, conversion: null, unconverted: { wanted: target } };
  return {
    amountMinor: convertMinor(base.amountMinor, found.rate),
    currency: target,
    funded: p.paidIn !== null,
    conversion: { fromCurrency: base.currency, fromAmountMinor: base.amountMinor, rate: formatRate(found.rate), source: found.via ? `${p.fx.source} (cross rate via ${found.via})` : p.fx.source },
    unconverted: null,
  };
}
