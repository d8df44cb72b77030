// Prints the order java.util.HashMap iterates TopicPartition-like keys, collected as
// ConsumerGroupCommand collects a reset plan (Collectors.toMap). Run:
//   java tests/simulator/tools/java/HashMapOrder.java
import java.util.*;
import java.util.stream.*;

public class HashMapOrder {
  record TP(String topic, int partition) {
    // org.apache.kafka.common.TopicPartition.hashCode()
    @Override public int hashCode() { return 31 * (31 + partition) + Objects.hashCode(topic); }
  }

  public static void main(String[] args) {
    for (int n : new int[]{3, 12, 13}) {
      for (String t : new String[]{"orders", "payments", "payment-events"}) {
        List<TP> keys = new ArrayList<>();
        for (int p = 0; p < n; p++) keys.add(new TP(t, p));
        Map<TP, Integer> m = keys.stream().collect(Collectors.toMap(k -> k, TP::partition));
        System.out.println(t + " " + n + " "
            + m.keySet().stream().map(k -> String.valueOf(k.partition())).collect(Collectors.joining(",")));
      }
    }
  }
}
