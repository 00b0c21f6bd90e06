export { createDispatch, EXPIRE_QUEUE, WAVE_QUEUE } from './help.dispatch';
export { defaultHelpRates } from './help.rates';
export { createHelpRepo } from './help.repo';
export { helpRoutes } from './help.routes';
export { type DispatchConfig, defaultDispatchConfig } from './help.rules';
export { createHelpService, type HelpBilling, type HelpEmitter, type HelpService } from './help.service';
export { createPhotoCleanup, PHOTO_CLEANUP_QUEUE, type PhotoCleanup } from './help.photos';
export { questionsAsked } from './help.lookups.repo';
