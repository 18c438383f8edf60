package io.onceflow.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks loopback ports that are free right now. They are released before the broker binds them, so
 * another process can take one in between; the launcher detects that from the broker's bind error
 * and picks again.
 */
final class FreePorts {

  private FreePorts() {}

  /** Returns {@code count} distinct free ports on 127.0.0.1. */
  static int[] pick(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        // all held open together, so the ports are distinct
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          try {
            s.close();
          } catch (IOException ignored) {
            // closing a never-used listening socket: nothing to do
          }
        }
      }
    }
  }
}
