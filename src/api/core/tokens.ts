/** Injection tokens for the values the entry point builds and owns. */
export const CONFIG = Symbol('HookwayConfig');
export const DATABASE = Symbol('Database');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const LOGGER = Symbol('Logger');
export const RENDER_METRICS = Symbol('RenderMetrics');
export const SHUTDOWN_STATE = Symbol('ShutdownState');
