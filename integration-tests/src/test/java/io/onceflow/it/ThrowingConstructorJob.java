package io.onceflow.it;

import io.onceflow.api.Job;
import io.onceflow.api.Record;
import io.onceflow.api.TaskContext;
import java.util.List;

/** A job whose constructor throws: what a user's class with a broken static setup looks like. */
public final class ThrowingConstructorJob implements Job<String> {
  public ThrowingConstructorJob() {
    throw new IllegalStateException("the pricing table could not be loaded");
  }

  @Override
  public void process(List<Record<String>> records, TaskContext context) {}
}
