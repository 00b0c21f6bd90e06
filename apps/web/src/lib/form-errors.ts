import { ApiError } from './api';

export interface FormErrors {
  /** Messages keyed by form field, e.g. `email` for the server path `body.email`. */
  fields: Record<string, string>;
  /** A message for the top of the form, or null when there is nothing more to say. */
  summary: string | null;
}

function fieldKey(path: string): string {
  const rest = path.replace(/^(body|query|params)(\.|$)/, '');
  return rest.split('.')[0] ?? '';
}

/** Splits a failed request into per-field messages (for the fields this form shows) and a summary. */
export function formErrorsOf(
  error: unknown,
  knownFields: readonly string[],
  /** Error codes that point at one field without field details, e.g. `{ email_taken: 'email' }`. */
  codeFields: Record<string, string> = {},
): FormErrors {
  if (!error) return { fields: {}, summary: null };
  if (!(error instanceof ApiError)) return { fields: {}, summary: 'Something went wrong. Please try again.' };
  const fields: Record<string, string> = {};
  const codeField = codeFields[error.code];
  if (codeField) return { fields: { [codeField]: error.message }, summary: error.message };
  const unmatched: string[] = [];
  for (const issue of error.fields) {
    const key = fieldKey(issue.path);
    if (key && knownFields.includes(key)) fields[key] = fields[key] ? `${fields[key]}; ${issue.message}` : issue.message;
    else unmatched.push(`${issue.path} ${issue.message}`);
  }
  if (error.fields.length > 0 && unmatched.length === 0) return { fields, summary: 'Please check the highlighted fields.' };
  if (error.fields.length > 0) return { fields, summary: `Please check: ${unmatched.join('; ')}.` };
  return { fields, summary: error.message };
}

/** Reads a server message as a sentence about a field: "Password must be at least 10 characters". */
export function describeFieldError(label: string, message: string): string {
  const startsLower = /^[a-z]/.test(message);
  return startsLower ? `${label} ${message}` : `${label}: ${message}`;
}
