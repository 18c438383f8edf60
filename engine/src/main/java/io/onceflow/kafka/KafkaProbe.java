package io.onceflow.kafka;

import io.onceflow.api.OnceflowException;
import io.onceflow.api.RetriableException;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Checks at start that the brokers answer, with an error that names the address: retriable when
 * they do not answer in time (down, restarting, or a wrong address: start-up cannot tell which),
 * fatal when they answer with a refusal.
 */
public final class KafkaProbe {
  private KafkaProbe() {}

  public static String clusterId(Properties adminProperties, long timeoutMs) {
    Properties p = new Properties();
    p.putAll(adminProperties);
    p.putIfAbsent("request.timeout.ms", String.valueOf(timeoutMs));
    p.putIfAbsent("default.api.timeout.ms", String.valueOf(timeoutMs));
    String servers = p.getProperty("bootstrap.servers");
    try (Admin admin = Admin.create(p)) {
      return admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
          .clusterId()
          .get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      String message =
          "Cannot reach Kafka at " + servers + " within " + timeoutMs / 1000 + " s ("
              + (e.getCause() == null ? e : e.getCause()).getMessage()
              + "). Check kafka.bootstrap.servers and that the brokers are running.";
      // No answer in time is what a broker that is down or restarting looks like: retriable. An
      // answer that refuses (authentication, authorization) is not.
      throw e instanceof TimeoutException || KafkaErrors.isRetriable(e)
          ? new RetriableException(message, e)
          : new OnceflowException(message, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OnceflowException("Interrupted while checking Kafka at " + servers, e);
    } catch (RuntimeException e) {
      throw new OnceflowException(
          "Cannot create a Kafka client for " + servers + ": " + e.getMessage()
              + ". Check the kafka.* settings.",
          e);
    }
  }
}
