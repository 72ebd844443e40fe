// kafkajs with an idempotent producer (acks=all is implied and enforced). The lab's one Kafka
// module: services take kafkajs and its types from the kit, never from 'kafkajs' itself.
// kafkajs's known defects that matter here (read in kafkajs 2.2.4's source):
//  - Unmaintained: 2.2.4 (2023-02-27) is its last release; the call for maintainers
//    (tulios/kafkajs#1603, 2023-08) is still open, fixes such as #1755 sit unmerged.
//  - Never tested against Kafka 4.x, which dropped old protocol versions (KIP-896). The lab runs
//    Kafka 3.9 (infra/kafka/README.md): test kafkajs before moving the broker to 4.x.
//  - Idempotence and retries: the producer inherits the client's 3 retries, so kafkajs warns
//    "Limiting retries for the idempotent producer may invalidate EoS guarantees" for each
//    producer. A failed produce request rewinds the partition's sequence number: the retry, and
//    once retries run out the next send, reuse it (producer/sendMessages.js). If the broker did
//    write the failed batch, it acknowledges a later batch with the same sequence range as a
//    duplicate without writing it: a silent loss (reproduced by the kit's integration test).
//    createPublisher (below) therefore sends a failed batch again before any other. A broker
//    that lost the producer's state fails it for good: needsNewProducer replaces it.
//  - The partitioner warning: a producer made without `createPartitioner` logs once per process
//    that kafkajs 2 changed its default partitioner (now the Java client's murmur2; every
//    producer here uses it). KAFKAJS_NO_PARTITIONER_WARNING=1 would silence it.
//  - A timer every millisecond, for ever: with nothing pending and no throttle, each broker
//    connection's request queue re-arms setTimeout(check, -1 - Date.now()), which Node runs after
//    1 ms, and the check arms it again (network/requestQueue; tulios/kafkajs#1556, #1704, #1751,
//    all open). It starts with the connection's first answer, so the idle checkout and
//    fulfilment replicas woke ~1,500 times a second (strace: epoll_pwait returning on a 1 ms
//    timeout) and spent 15-35 ms/s of CPU each, where the carts spent under 10. Node 24 also
//    prints a TimeoutNegativeWarning for it. Fixed below: a queue with nothing waiting and no
//    throttle running schedules no check (a request that has to wait schedules its own).
import { createRequire } from 'node:module';
import { type Admin, type Consumer, Kafka, type KafkaMessage, logLevel, type Message, type Producer } from 'kafkajs';
import type { Logger } from '../log.ts';

/** The part of kafkajs's RequestQueue (CommonJS, outside its typings) the fix touches. */
export interface KafkaRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}
export const KafkaRequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (o: object) => KafkaRequestQueue;
const scheduleCheck = KafkaRequestQueue.prototype.scheduleCheckPendingRequests;
KafkaRequestQueue.prototype.scheduleCheckPendingRequests = function (this: KafkaRequestQueue) {
  if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
  scheduleCheck.call(this);
};

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
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        logger[toPino(level)]({ kafka: extra }, String(message));
      },
  });
}

// Errors after which an idempotent producer can never send again: the broker lost (or never had)
// the producer's sequence state, e.g. after the broker restarted mid-send. kafkajs keeps its
// sequence numbers and would fail forever; a new producer gets a new producer id.
const FATAL_FOR_IDEMPOTENCE = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

export function needsNewProducer(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.type && FATAL_FOR_IDEMPOTENCE.has(e.type)) return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

/**
 * Publishes to Kafka with an idempotent producer: connects lazily (Kafka may be down at start).
 *
 * A failed send leaves its batch unsettled: the broker may still write it (a request that timed
 * out), and kafkajs gives the next batch the same sequence numbers, which the broker would then
 * take for a duplicate and drop. So the next send first sends the unsettled messages again, the
 * same messages with the same sequence numbers (acknowledged as a duplicate if they were written,
 * written if not), and only then its own. The producer (and its producer id) is kept: a new one
 * needs a new producer id, which a broker that just restarted may not hand out for minutes (seen
 * here: a relay that replaced its producer after each failure could not publish for 10 minutes
 * after Kafka came back). Only a producer the broker no longer knows is replaced.
 */
export interface Publisher {
  send(topic: string, messages: Message[], timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function createPublisher(kafka: Kafka, logger: Logger): Publisher {
  const make = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  let producer = make();
  let up: Promise<void> | null = null;
  let unsettled: { topic: string; messages: Message[] } | undefined;
  const watch = (p: Producer) =>
    p.on(p.events.DISCONNECT, () => {
      if (p === producer) up = null;
    });
  watch(producer);
  const replace = async (p: Producer, err: unknown) => {
    if (p !== producer) return;
    logger.warn({ err: String(err) }, "the broker lost this producer's sequence state: replacing the producer");
    producer = make();
    watch(producer);
    up = null;
    // A new producer id: no sequence number is shared with the old one's batches.
    unsettled = undefined;
    await p.disconnect().catch(() => {});
  };
  const sendOn = async (p: Producer, topic: string, messages: Message[], timeoutMs: number) => {
    try {
      await p.send({ topic, acks: -1, timeout: timeoutMs, messages });
    } catch (err) {
      if (needsNewProducer(err)) await replace(p, err);
      else if (p === producer) unsettled ??= { topic, messages };
      throw err;
    }
  };
  return {
    async send(topic, messages, timeoutMs = 5_000) {
      const p = producer;
      up ??= p.connect().catch((err: unknown) => {
        up = null;
        throw err;
      });
      await up;
      const pending = unsettled;
      let rest = messages;
      if (pending) {
        await sendOn(p, pending.topic, pending.messages, timeoutMs);
        if (unsettled === pending) unsettled = undefined;
        // What the caller sends again of the settled batch (the relay resends its unpublished rows)
        // is on the topic now: only the rest goes out, so a retry does not publish it twice.
        if (pending.topic === topic) rest = messages.filter((m) => !pending.messages.some((q) => sameMessage(q, m)));
        if (rest.length === 0) return;
      }
      await sendOn(p, topic, rest, timeoutMs);
    },
    close: () => producer.disconnect().catch(() => {}),
  };
}

const text = (v: Message['value'] | Message['key']) => (v === null || v === undefined ? '' : String(v));
const sameMessage = (a: Message, b: Message) => a === b || (text(a.key) === text(b.key) && text(a.value) === text(b.value) && JSON.stringify(a.headers ?? {}) === JSON.stringify(b.headers ?? {}));

export type { Admin, Consumer, Kafka, KafkaMessage, Message, Producer };
