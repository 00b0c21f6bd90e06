export * from './errors';
export * from './identity';
export * from './realtime';
export * from './help';
export * from './rooms';
export * from './scheduling';
export * from './lessons';
export * from './notifications';
