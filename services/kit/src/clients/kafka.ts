// kafkajs with an idempotent producer (acks=all is implied and enforced).
import { Kafka, logLevel, type Producer, type Consumer } from 'kafkajs';
import type { Logger } from '../log.ts';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const toPino = (level: logLevel) => (level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'debug');
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }) => {
      const { message, ...extra } = log;
      logger[toPino(level)]({ kafka: extra }, String(message));
    },
  });
}

export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

export type { Consumer, Producer };
