/** The gateway's config: load once at start (and on SIGHUP), every problem reported together. */
export { loadConfig, loadConfigWithWarnings, parseConfig, parseConfigWithWarnings, roomsFrom, type LoadedConfig } from './load-config.ts';
export { checkDataDirWritable } from './data-dir-check.ts';
export { keysNeedingRestart, RELOADABLE_KEYS } from './restart-keys.ts';
export { ConfigError } from './config-error.ts';
export * from './defaults.ts';
export { BAUD_RATES, type ApiConfig, type Config, type DisplayConfig, type InfluxConfig, type LogLevel, type PanelName } from './types.ts';
