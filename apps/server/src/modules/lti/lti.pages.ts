import type { LaunchRefusal } from './lti.rules';

/** What a person arriving from their LMS reads when a launch is refused, by reason; every reason has its words. */
export const refusalWords: Record<LaunchRefusal, string> = {
  login_bad_request: 'The course system did not send the details needed to sign you in (issuer, login hint and target link).',
  unknown_platform: 'This course system is not registered with Tutorline. Ask your school to register it.',
  ambiguous_platform: 'Tutorline could not tell which registration of this course system to use. Ask your school to check its client id.',
  registration_inactive: 'This course system is registered but not active yet. An administrator must confirm it first.',
  state_missing: 'The sign-in came back without its state. Please open Tutorline from your course again.',
  state_forged: 'This sign-in was not started here, or it was already finished. Please open Tutorline from your course again.',
  state_expired: 'This sign-in took too long and has expired. Please open Tutorline from your course again.',
  state_cookie_mismatch: 'This sign-in was started in another browser or tab. Please open Tutorline from your course again.',
  token_missing: 'The course system did not send a sign-in token.',
  token_malformed: 'The sign-in token from the course system could not be read.',
  alg_not_allowed: 'The sign-in token was not signed the way LTI requires (RS256), so it was refused.',
  kid_missing: 'The sign-in token does not say which key signed it, so it was refused.',
  unknown_kid: 'The sign-in token was signed with a key the course system does not publish, so it was refused.',
  keyset_unavailable: 'Tutorline could not fetch the course system\u2019s public keys. Please try again in a minute.',
  bad_signature: 'The sign-in token\u2019s signature is not valid, so it was refused.',
  wrong_issuer: 'The sign-in token comes from a different course system than the one that started the sign-in.',
  wrong_audience: 'The sign-in token was not issued for Tutorline.',
  wrong_azp: 'The sign-in token was issued for another party.',
  expired: 'The sign-in token has expired. Please open Tutorline from your course again.',
  iat_missing: 'The sign-in token does not say when it was issued.',
  iat_in_future: 'The sign-in token claims to be issued in the future. The course system\u2019s clock may be wrong.',
  iat_too_old: 'The sign-in token was issued too long ago. Please open Tutorline from your course again.',
  not_yet_valid: 'The sign-in token is not valid yet. The course system\u2019s clock may be wrong.',
  nonce_missing: 'The sign-in token is missing its nonce, so it was refused.',
  nonce_mismatch: 'The sign-in token does not answer this sign-in (its nonce differs), so it was refused.',
  nonce_replayed: 'This sign-in was already used. Please open Tutorline from your course again.',
  unknown_deployment: 'This deployment of Tutorline in your course system is not registered. Ask your school to add its deployment id.',
  wrong_version: 'The course system sent an LTI version Tutorline does not speak (it needs 1.3.0).',
  unsupported_message_type: 'The course system asked for something Tutorline does not offer here.',
  resource_link_missing: 'The launch does not say which course link was opened.',
  sub_missing: 'The launch does not say who you are.',
  target_link_uri_off_origin: 'The launch points somewhere outside Tutorline, so it was refused.',
  no_supported_role: 'Your role in this course is neither learner nor instructor, so Tutorline cannot open it for you.',
  account_disabled: 'Your Tutorline account is disabled. Contact your school.',
  deep_linking_settings_missing: 'The course system asked to add content but did not say where to send it back (deep_link_return_url).',
  deep_link_not_staff: 'Only instructors and teaching assistants can add Tutorline content to a course.',
  deep_link_replayed: 'This content choice was already sent to your course. Start adding content again from your course.',
  deep_link_bad_choice: 'That choice could not be added to the course.',
  item_unknown: 'This Tutorline link is not one your course placed (it may have been removed). Ask your teacher to add it again.',
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small self-contained page (no scripts): launches arrive from another site, often in a new window. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;max-width:32rem;margin-inline:auto;line-height:1.45;color:#1a1a1a}
h1{font-size:1.3rem}.code{color:#555;font-size:.85rem}a{color:#1d4ed8}
</style></head><body>${body}</body></html>`;
}

export function refusalPage(reason: LaunchRefusal, requestId: string): string {
  return page(
    'Could not open Tutorline',
    `<h1>Could not open Tutorline from your course</h1><p data-reason="${reason}">${escape(refusalWords[reason])}</p>
<p class="code">Reason: ${reason} · Request ${escape(requestId)}</p>`,
  );
}

export { escape };
