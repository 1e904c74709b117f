/** Front-panel bindings: a panel node's buttons, LCD and LEDs bound to channels of socket nodes (issue 12). */
export { PanelBindings, type PanelBindingsOptions } from './panel-bindings.ts';
export { panelsFileSchema, MIN_BUTTON, MAX_BUTTON, type ButtonBinding, type PanelConfig, type PanelsConfig } from './panel-config.ts';
export { outletText, problemText, relayLine, lcdText, clip, LCD_COLUMNS, LCD_LINES, type OutletFigures } from './panel-text.ts';
export { ledMask } from './led-mask.ts';
export { EnergyToday, localDay } from './energy-today.ts';
