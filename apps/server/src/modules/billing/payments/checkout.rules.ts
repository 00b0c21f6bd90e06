/**
 * Where a payment page sends the student back (Stripe Checkout's success_url and cancel_url). The client may name a
 * page of this site; anything on another origin, or not http(s), is refused, so a checkout can never be turned into
 * an open redirect. Pure: the site's public URL is passed in.
 */

/** The default return page: a booked lesson to /lessons/paid (it follows the booking), plans to /billing/return. */
export const defaultReturnPath = (purpose: string) => (purpose === 'booking' ? '/lessons/paid' : '/billing/return');

/** `raw` as a URL of our own site (a path, or a full URL on our origin); null when it points anywhere else. */
export function ownSiteUrl(raw: string, publicUrl: string): URL | null {
  const site = new URL(publicUrl);
  // A path must start with one slash: "//host/x" and "/\host" are other hosts to a browser.
  if (raw.startsWith('/') && (raw.startsWith('//') || raw.startsWith('/\\'))) return null;
  let url: URL;
  try {
    url = new URL(raw, site);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.origin !== site.origin || url.username || url.password) return null;
  return url;
}

export type ReturnUrls = { ok: true; successUrl: string; cancelUrl: string } | { ok: false; field: 'successUrl' | 'cancelUrl' };

/** The checkout's two return URLs: the client's own-site pages (or the defaults), each told which checkout it was. */
export function checkoutReturnUrls(input: { checkoutId: string; purpose: string; successUrl?: string | undefined; cancelUrl?: string | undefined }, publicUrl: string): ReturnUrls {
  const fallback = `${publicUrl.replace(/\/+$/, '')}${defaultReturnPath(input.purpose)}`;
  const success = ownSiteUrl(input.successUrl ?? fallback, publicUrl);
  if (!success) return { ok: false, field: 'successUrl' };
  const cancel = ownSiteUrl(input.cancelUrl ?? input.successUrl ?? fallback, publicUrl);
  if (!cancel) return { ok: false, field: 'cancelUrl' };
  success.searchParams.set('checkout', input.checkoutId);
  cancel.searchParams.set('checkout', input.checkoutId);
  cancel.searchParams.set('cancelled', '1');
  return { ok: true, successUrl: success.href, cancelUrl: cancel.href };
}
