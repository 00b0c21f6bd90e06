/**
 * Shared helpers for benchmarks.
 *
 * Rules every benchmark follows: servers bind to 127.0.0.1, load goes to loopback, every run is bounded
 * in time, everything started is stopped at the end (child processes by pid), and each figure is printed
 * next to its ratio to a baseline measured in the same run. The last line of output is one JSON object,
 * also written to bench/results/<name>.json.
 */
export * from './support/load';
export * from './support/memory';
export * from './support/processes';
export * from './support/report';
export * from './support/run';
