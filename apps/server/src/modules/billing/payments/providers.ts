/**
 * The payment provider adapter interface and the normalized event shape billing acts on. They live with the
 * integrations (integrations/payments.ts) because the adapters implement them and may not import a module.
 */
export * from '../../../integrations/payments';
