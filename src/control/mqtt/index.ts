/**
 * MQTT state, commands and Home Assistant discovery (issue 12), on when the
 * config has an `mqtt` section.
 *
 * ```ts
 * if (config.mqtt) services.push(new MqttService({ config: config.mqtt, gateway: config.gateway, nodes, bus, commands, log, now: Date.now }));
 * ```
 */
export { MqttService, type MqttServiceDeps, type MqttTuning } from './mqtt-service.ts';
export { completeMqttSection, mqttFileSchema, DEFAULT_HA_PREFIX, DEFAULT_MQTT_BASE_TOPIC, type MqttConfig } from './mqtt-config.ts';
export { mqttTopics, parseSetTopic, type MqttTopics, type SetTarget } from './topics.ts';
export { bridgeDiscovery, nodeDiscovery, type DiscoveryContext, type DiscoveryMessage, type DiscoveryOrigin } from './discovery.ts';
