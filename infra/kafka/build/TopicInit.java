import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Idempotent topic bootstrap: TopicInit <bootstrap> <name:partitions>...
 * Existing topics are fine; a topic with fewer partitions than requested is grown,
 * one with more is left alone (Kafka cannot shrink) with a warning.
 * Input is validated by kafka-entrypoint before the broker starts.
 */
public final class TopicInit {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int c = args[i].lastIndexOf(':');
            wanted.put(args[i].substring(0, c), Integer.parseInt(args[i].substring(c + 1)));
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "surge-topic-init");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> create = new ArrayList<>();
            wanted.forEach((name, parts) -> create.add(new NewTopic(name, parts, (short) 1)));
            CreateTopicsResult res = admin.createTopics(create);
            for (String name : wanted.keySet()) {
                try {
                    res.values().get(name).get();
                    System.out.println("topic-init: created " + name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e;
                    System.out.println("topic-init: exists  " + name);
                }
            }
            Map<String, TopicDescription> desc =
                admin.describeTopics(wanted.keySet()).allTopicNames().get();
            Map<String, NewPartitions> grow = new HashMap<>();
            for (Map.Entry<String, Integer> w : wanted.entrySet()) {
                int have = desc.get(w.getKey()).partitions().size();
                if (have < w.getValue()) grow.put(w.getKey(), NewPartitions.increaseTo(w.getValue()));
                else if (have > w.getValue())
                    System.out.println("topic-init: WARN " + w.getKey() + " has " + have
                        + " partitions, more than the requested " + w.getValue() + " (left as is)");
            }
            if (!grow.isEmpty()) {
                admin.createPartitions(grow).all().get();
                grow.forEach((n, np) -> System.out.println(
                    "topic-init: grew " + n + " to " + np.totalCount() + " partitions"));
            }
            // Warm-up: looking up a group coordinator makes the broker create and load
            // __consumer_offsets now, so the first app consumer group does not have to
            // retry through "group coordinator not available".
            admin.describeConsumerGroups(List.of("surge-topic-init-warmup")).all().get();
            StringBuilder sb = new StringBuilder("topic-init: ready:");
            for (String name : wanted.keySet()) {
                int n = grow.containsKey(name) ? grow.get(name).totalCount()
                                               : desc.get(name).partitions().size();
                sb.append(' ').append(name).append('=').append(n);
            }
            System.out.println(sb);
        }
    }
}
