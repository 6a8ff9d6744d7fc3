package dev.insight.streaming.local.pods;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a kubelet's HTTPS server that {@code kubectl logs} reaches: the API server proxies
 * {@code GET /api/v1/namespaces/NS/pods/NAME/log} to {@code https://<node
 * address>:<port>/containerLogs/NS/NAME/C} with its kubelet client certificate. Serves the node
 * agent's log files with {@code follow}, {@code tailLines} and {@code limitBytes}; a client needs a
 * certificate from the cluster CA, as with a kubelet in webhook mode whose only caller is the API
 * server.
 */
public final class KubeletEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubeletEndpoint.class);
  private static final long FOLLOW_POLL_MILLIS = 200;
  private static final int CHUNK = 64 * 1024;

  private final HttpsServer server;
  private final ExecutorService threads;
  private final PodRunner pods;
  private final String allowedUser;
  private volatile boolean closing;

  private KubeletEndpoint(
      HttpsServer server, ExecutorService threads, PodRunner pods, String allowedUser) {
    this.server = server;
    this.threads = threads;
    this.pods = pods;
    this.allowedUser = allowedUser;
  }

  /**
   * Listens on 127.0.0.1, on a free port.
   *
   * @param tls the node's serving certificate, trusting the cluster CA for client certificates
   * @param allowedUser the common name of the one client served (the API server's kubelet client)
   */
  public static KubeletEndpoint start(SSLContext tls, PodRunner pods, String allowedUser) {
    try {
      HttpsServer server = HttpsServer.create(new InetSocketAddress(PodSetup.POD_IP, 0), 16);
      server.setHttpsConfigurator(
          new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
              var parameters = tls.getDefaultSSLParameters();
              parameters.setNeedClientAuth(true);
              params.setSSLParameters(parameters);
            }
          });
      ExecutorService threads =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "kubelet-endpoint");
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(threads);
      KubeletEndpoint endpoint = new KubeletEndpoint(server, threads, pods, allowedUser);
      server.createContext("/containerLogs/", endpoint::containerLogs);
      server.createContext("/healthz", exchange -> endpoint.answer(exchange, 200, "ok"));
      server.start();
      return endpoint;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "the node agent's kubelet endpoint cannot listen on "
              + PodSetup.POD_IP
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The port the Node reports as {@code status.daemonEndpoints.kubeletEndpoint.port}. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    closing = true;
    server.stop(0);
    threads.shutdownNow();
  }

  private void containerLogs(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        answer(exchange, 403, "Forbidden: only the API server's kubelet client may read logs here");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        answer(exchange, 405, "only GET");
        return;
      }
      String[] parts =
          exchange.getRequestURI().getPath().substring("/containerLogs/".length()).split("/");
      if (parts.length != 3) {
        answer(exchange, 404, "expected /containerLogs/<namespace>/<pod>/<container>");
        return;
      }
      String namespace = parts[0];
      String pod = parts[1];
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      Optional<Path> file = pods.logFile(namespace, pod).filter(Files::isRegularFile);
      if (file.isEmpty()) {
        answer(
            exchange,
            404,
            "no log of container "
                + parts[2]
                + " in pod "
                + namespace
                + "/"
                + pod
                + " on this node (it has not started)");
        return;
      }
      boolean follow = "true".equals(query.get("follow"));
      long limit =
          query.containsKey("limitBytes")
              ? Long.parseLong(query.get("limitBytes"))
              : Long.MAX_VALUE;
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      try (RandomAccessFile log = new RandomAccessFile(file.get().toFile(), "r")) {
        long position =
            query.containsKey("tailLines")
                ? tailStart(log, Long.parseLong(query.get("tailLines")))
                : 0;
        long sent = 0;
        byte[] buffer = new byte[CHUNK];
        while (!closing && sent < limit) {
          log.seek(position);
          int read = log.read(buffer, 0, (int) Math.min(buffer.length, limit - sent));
          if (read > 0) {
            out.write(buffer, 0, read);
            out.flush();
            position += read;
            sent += read;
            continue;
          }
          // at the end: done, unless following a container that may still write
          if (!follow || !pods.mayStillLog(namespace, pod) && log.length() <= position) {
            break;
          }
          Thread.sleep(FOLLOW_POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client went away (kubectl logs -f interrupted): nothing to do
        LOG.debug("log stream of {}/{} ended: {}", namespace, pod, e.toString());
      }
    } catch (NumberFormatException e) {
      answer(exchange, 400, "bad number: " + e.getMessage());
    }
  }

  /** The offset where the last {@code lines} lines of the file begin. */
  static long tailStart(RandomAccessFile log, long lines) throws IOException {
    long length = log.length();
    if (lines < 0) {
      return 0;
    }
    long position = length;
    // a trailing newline ends the last line; it does not start another
    long newlines = 0;
    byte[] buffer = new byte[CHUNK];
    while (position > 0) {
      int size = (int) Math.min(buffer.length, position);
      position -= size;
      log.seek(position);
      log.readFully(buffer, 0, size);
      for (int i = size - 1; i >= 0; i--) {
        if (buffer[i] == '\n' && position + i != length - 1) {
          newlines++;
          if (newlines == lines) {
            return position + i + 1;
          }
        }
      }
    }
    return lines == 0 ? length : 0;
  }

  private boolean authorized(HttpExchange exchange) {
    if (!(exchange instanceof HttpsExchange https)) {
      return false;
    }
    try {
      X509Certificate peer = (X509Certificate) https.getSSLSession().getPeerCertificates()[0];
      return new LdapName(peer.getSubjectX500Principal().getName())
          .getRdns().stream()
              .anyMatch(
                  rdn ->
                      "CN".equalsIgnoreCase(rdn.getType()) && allowedUser.equals(rdn.getValue()));
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return false;
    }
  }

  private void answer(HttpExchange exchange, int code, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      values.put(
          name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return values;
  }
}
