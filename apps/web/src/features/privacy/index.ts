export { DataExportCard } from './data-export-card';
export { useDataExport, useRequestExport } from './use-data-export';
