package io.onceflow.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server that is not there yet: a loopback port nothing listens on (connections are refused, as
 * while PostgreSQL restarts) until {@link #open} forwards it to the real server. For start-up tests
 * that need "refused, then up" at a moment the test chooses.
 *
 * <p>Thread-safe; each forwarded connection has two daemon threads pumping bytes.
 */
final class TcpForwarder implements AutoCloseable {
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  private TcpForwarder(int port) {
    this.port = port;
  }

  /** A port that is free now and refuses connections until {@link #open}. */
  static TcpForwarder closed() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new TcpForwarder(probe.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  int port() {
    return port;
  }

  /** From now on, connections to {@link #port} reach {@code targetPort} on 127.0.0.1. */
  synchronized void open(int targetPort) throws IOException {
    ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = listening;
    daemon("forwarder-accept-" + port, () -> {
      while (!listening.isClosed()) {
        try {
          Socket client = listening.accept();
          Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          sockets.add(client);
          sockets.add(target);
          daemon("forwarder-up", () -> pump(client, target));
          daemon("forwarder-down", () -> pump(target, client));
        } catch (IOException e) {
          return; // closed
        }
      }
    });
  }

  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side went away: end both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing: nothing to do
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (server != null) {
      server.close();
    }
    sockets.forEach(TcpForwarder::closeQuietly);
  }
}
