/**
 * `maestro-retry/dashboard`: a live statistics page for the registry and the policies, as a
 * request handler for `node:http`. This file only re-exports.
 */
export { createDashboard, type Dashboard } from './create-dashboard.js';
export type { DashboardOptions, DashboardRegistry } from './options.js';
export type { BreakerRow, BudgetRow, CallCounts, DashboardSnapshot, LimiterRow, OperationRow, SnapshotTotals } from './snapshot.js';
export type { WatchablePolicy } from '../observers/policy-reading.js';
