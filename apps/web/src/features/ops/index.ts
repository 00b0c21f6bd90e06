export { OpsDashboard } from './ops-dashboard';
export { BarChart } from './bar-chart';
export { ChartFrame } from './chart-frame';
