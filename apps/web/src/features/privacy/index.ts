export { DataExportCard } from './data-export-card';
export { ErasureCard, ErasurePendingBanner } from './erasure-card';
export { useDataExport, useRequestExport } from './use-data-export';
export { useCancelErasure, useErasure, useRequestErasure } from './use-erasure';
