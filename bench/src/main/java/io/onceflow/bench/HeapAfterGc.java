package io.onceflow.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import java.util.stream.Collectors;
import javax.management.openmbean.CompositeData;

/**
 * The largest heap in use right after a garbage collection, over a run: what the engine actually
 * keeps (plus old garbage a young collection leaves), as opposed to the sampled peak in use, which
 * counts garbage the collector has not yet reclaimed and so approaches the heap limit whenever the
 * collector lets the heap fill before it runs.
 */
final class HeapAfterGc {
  private final AtomicLong peak = new AtomicLong();
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());

  private HeapAfterGc() {}

  static HeapAfterGc listen() {
    HeapAfterGc h = new HeapAfterGc();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                h.record(
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
              }
            },
            null,
            null);
      }
    }
    return h;
  }

  /** The peak in bytes, 0 when no collection ran. */
  long peak() {
    return peak.get();
  }

  private void record(GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    long heapInUse = used;
    peak.accumulateAndGet(heapInUse, Math::max);
  }
}
