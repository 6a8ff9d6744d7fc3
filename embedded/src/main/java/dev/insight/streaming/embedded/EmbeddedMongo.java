package dev.insight.streaming.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * MongoDB-wire server (mongo-java-server) in process; memory backend, or H2 file backend to survive
 * restarts.
 */
public final class EmbeddedMongo implements AutoCloseable {

  static final String SERVER = "MongoDB-wire server";

  private final MongoServer server;
  private final MongoBackend backend;
  private final int port;
  private volatile boolean running = true;

  private EmbeddedMongo(MongoServer server, MongoBackend backend, int port) {
    this.server = server;
    this.backend = backend;
    this.port = port;
  }

  /** Starts a server with the memory backend on a free loopback port. */
  public static EmbeddedMongo start() {
    return start(new MemoryBackend(), 0);
  }

  /** Starts a server whose data lives in an H2 file, so a later server on the same file sees it. */
  public static EmbeddedMongo startPersistent(Path h2File) {
    return startPersistent(h2File, 0);
  }

  /** As {@link #startPersistent(Path)}, on the given port (0 for a free one). */
  public static EmbeddedMongo startPersistent(Path h2File, int port) {
    H2Backend backend;
    try {
      DataDirectory.create(h2File.toAbsolutePath().getParent());
      backend = new H2Backend(h2File.toAbsolutePath().toString());
    } catch (RuntimeException e) {
      throw new EmbeddedServerException(
          SERVER
              + ": cannot open the H2 file "
              + h2File
              + ": "
              + e.getMessage()
              + " (is another server using it?)",
          e);
    }
    return start(backend, port);
  }

  /** Starts a server with the memory backend on the given port (0 for a free one). */
  public static EmbeddedMongo start(int port) {
    return start(new MemoryBackend(), port);
  }

  private static EmbeddedMongo start(MongoBackend backend, int port) {
    if (port != 0) {
      PortCheck.requireFree(SERVER, "client", port);
    }
    MongoServer server = new MongoServer(backend);
    try {
      requireNetty();
      server.bind(LoopbackPorts.HOST, port);
      EmbeddedMongo mongo = new EmbeddedMongo(server, backend, server.getLocalAddress().getPort());
      mongo.ping();
      return mongo;
    } catch (IOException | RuntimeException | LinkageError e) {
      server.shutdownNow();
      backend.close();
      throw new EmbeddedServerException(
          SERVER + ": failed to start on " + LoopbackPorts.HOST + ":" + port + ": " + e, e);
    }
  }

  private static void requireNetty() {
    try {
      Class.forName(
          "io.netty.channel.nio.NioEventLoopGroup", false, EmbeddedMongo.class.getClassLoader());
      Class.forName(
          "io.netty.handler.codec.ByteToMessageDecoder",
          false,
          EmbeddedMongo.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "netty is not on the classpath: mongo-java-server runs on the netty 4.1"
              + " that Spark, the Cassandra driver or vert.x bring; a module with none of them must add"
              + " io.netty:netty-handler (4.1.x)",
          e);
    }
  }

  /** {@code mongodb://127.0.0.1:<port>}. */
  public String connectionString() {
    return "mongodb://" + LoopbackPorts.HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public boolean isRunning() {
    return running;
  }

  /**
   * Stops listening, closes client connections and the backend (which flushes an H2 file).
   * Idempotent.
   */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    server.shutdownNow();
    backend.close();
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "EmbeddedMongo[" + connectionString() + "]";
  }

  /** A real wire round trip: OP_MSG {@code {ping: 1, $db: "admin"}} must answer {@code ok: 1}. */
  private void ping() throws IOException {
    byte[] document = pingDocument();
    ByteBuffer message =
        ByteBuffer.allocate(16 + 4 + 1 + document.length).order(ByteOrder.LITTLE_ENDIAN);
    message
        .putInt(message.capacity())
        .putInt(1)
        .putInt(0)
        .putInt(OP_MSG)
        .putInt(0)
        .put((byte) 0)
        .put(document);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LoopbackPorts.HOST, port), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(message.array());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] lengthBytes = new byte[4];
      in.readFully(lengthBytes);
      int length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
      byte[] reply = new byte[length - 4];
      in.readFully(reply);
      ByteBuffer body = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
      body.position(8);
      if (body.getInt() != OP_MSG || !okIsOne(body.position(body.position() + 5))) {
        throw new IOException("ping was not answered with ok: 1");
      }
    }
  }

  private static final int OP_MSG = 2013;

  private static byte[] pingDocument() {
    byte[] db = "admin".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer doc =
        ByteBuffer.allocate(4 + (1 + 5 + 4) + (1 + 4 + 4 + db.length + 1) + 1)
            .order(ByteOrder.LITTLE_ENDIAN);
    doc.putInt(doc.capacity());
    doc.put((byte) 0x10).put("ping".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).putInt(1);
    doc.put((byte) 0x02)
        .put("$db".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 0)
        .putInt(db.length + 1)
        .put(db)
        .put((byte) 0);
    doc.put((byte) 0);
    return doc.array();
  }

  /** Reads the reply's BSON document far enough to find its {@code ok} field. */
  private static boolean okIsOne(ByteBuffer doc) {
    int end = doc.position() + doc.getInt() - 1;
    while (doc.position() < end) {
      byte type = doc.get();
      StringBuilder name = new StringBuilder();
      for (byte b = doc.get(); b != 0; b = doc.get()) {
        name.append((char) b);
      }
      switch (type) {
        case 0x01 -> {
          double value = doc.getDouble();
          if (name.toString().equals("ok")) {
            return value == 1.0;
          }
        }
        case 0x10 -> {
          int value = doc.getInt();
          if (name.toString().equals("ok")) {
            return value == 1;
          }
        }
        case 0x08 -> doc.get();
        case 0x12, 0x09, 0x11 -> doc.getLong();
        case 0x02 -> doc.position(doc.position() + doc.getInt());
        case 0x03, 0x04 -> doc.position(doc.position() + doc.getInt() - 4);
        default -> {
          return false;
        }
      }
    }
    return false;
  }
}
