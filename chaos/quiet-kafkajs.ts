// kafkajs 2.2 arms a timer with a negative delay (its throttle deadline starts at -1), and Node 24
// prints a TimeoutNegativeWarning for it on every client. The kit stops that 1 ms loop where it is
// loaded (services/kit/src/clients/kafka.ts); the audit's baseline reads offsets with kafkajs
// itself. The CLIs that talk to Kafka drop that one warning and print every other as Node would.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.warn(`(node:${process.pid}) ${w.name}: ${w.message}`);
});
