package dev.insight.streaming.operator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on a free loopback port that answers nothing and keeps every byte it receives: it
 * stands where a pipeline's author would put a broker or database of their own, to see what the
 * operator sends there.
 */
public final class RecordingServer implements AutoCloseable {

  private final ServerSocket socket;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> open = new ArrayList<>();
  private final Thread acceptor;

  public RecordingServer() {
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a recording server", e);
    }
    acceptor = new Thread(this::accept, "recording-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** How many connections were accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Everything received so far, over all connections, as ISO-8859-1 text (byte for byte). */
  public String received() {
    synchronized (received) {
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        connections.incrementAndGet();
        synchronized (open) {
          open.add(client);
        }
        Thread reader = new Thread(() -> read(client), "recording-reader");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void read(Socket client) {
    byte[] buffer = new byte[8192];
    try (InputStream in = client.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (received) {
          received.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // the client went away or we closed: what arrived is kept
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    synchronized (open) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }
}
