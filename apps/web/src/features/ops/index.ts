export { OpsDashboard } from './ops-dashboard';
