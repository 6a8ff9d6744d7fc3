package dev.insight.streaming.operator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /healthz} (liveness), {@code /readyz} (readiness) and {@code /metrics} (Prometheus
 * text), and any further handlers given (the web view), on a few threads so that a slow page does
 * not hold a probe.
 */
public final class HealthAndMetricsServer implements AutoCloseable {

  /** Requests served at once. */
  static final int THREADS = 4;

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthAndMetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving on all interfaces at {@code port} (0 picks a free port). */
  public static HealthAndMetricsServer start(
      int port,
      BooleanSupplier live,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      java.util.Map<String, com.sun.net.httpserver.HttpHandler> more) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (BindException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " for health and metrics is already in use: choose another with --port or HTTP_PORT",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve health and metrics on port " + port, e);
    }
    server.createContext("/healthz", exchange -> probe(exchange, live));
    server.createContext("/readyz", exchange -> probe(exchange, ready));
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    more.forEach(server::createContext);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            runnable -> {
              Thread thread = new Thread(runnable, "operator-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.start();
    return new HealthAndMetricsServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    // HttpServer.stop leaves a caller-supplied executor running: without this each stopped server
    // keeps a thread
    executor.shutdownNow();
  }

  private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
    boolean ok;
    try {
      ok = check.getAsBoolean();
    } catch (RuntimeException e) {
      ok = false;
    }
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
