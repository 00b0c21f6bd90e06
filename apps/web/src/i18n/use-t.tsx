import { Trans, useLingui } from '@lingui/react';
import type { ReactNode } from 'react';
import type { MessageKey, MessageValues } from './catalog';

export type TFunction = (key: MessageKey, values?: MessageValues) => string;

/** The translate function for a component; the component re-renders when the language changes. */
export function useT(): TFunction {
  const { _ } = useLingui();
  return _ as TFunction;
}

/**
 * A message with markup inside it: <0>…</0> in the message becomes components[0] with the text as its children, so
 * a link stays inside a sentence whose word order each language decides ("New to Tutorline? <0>Create an account</0>").
 */
export function T({ id, values, components }: { id: MessageKey; values?: MessageValues; components?: Record<string, ReactNode> }) {
  return <Trans id={id} values={values ?? {}} components={components ?? {}} />;
}
