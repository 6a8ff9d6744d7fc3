package dev.insight.streaming.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Fails fast, with a message that says so, when a port asked for is taken. */
final class PortCheck {

  private PortCheck() {}

  static void requireFree(String server, String role, int port) {
    try (ServerSocket probe =
        new ServerSocket(port, 1, InetAddress.getByName(LoopbackPorts.HOST))) {
      probe.setReuseAddress(true);
    } catch (IOException e) {
      throw new EmbeddedServerException(
          server
              + ": "
              + role
              + " port "
              + port
              + " on "
              + LoopbackPorts.HOST
              + " is already in use ("
              + e.getMessage()
              + "); choose another port or pass 0 for a free one");
    }
  }
}
