export { AlertsService, DEFAULT_ALERTS_EVALUATE_MS, type ActiveAlert, type AlertsServiceDeps, type IntervalTimers } from './alerts-service.ts';
export {
  alertsFileSchema, DEFAULT_BROKER_SILENT_MS, DEFAULT_NOTIFY, DEFAULT_WEBHOOK_MAX_ATTEMPTS, DEFAULT_WEBHOOK_QUEUE_SIZE, DEFAULT_WEBHOOK_TIMEOUT_MS,
  type AlertCondition, type AlertRule, type AlertsConfig, type NotifyTarget, type RelayAction, type WebhookConfig,
} from './alerts-config.ts';
export { evaluateRule, labelKey, type AlertChange, type AlertInstance, type AlertLabels, type AlertSample } from './alert-state.ts';
export { alertPayload, type AlertPayload } from './alert-payload.ts';
export { WebhookSender, webhookRetryMs, type WebhookCounters } from './webhook-sender.ts';
export { parseDuration } from './duration.ts';
