package dev.insight.streaming.embedded;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A CQL query over the native protocol (v4), spoken directly so that embedded/ needs no Cassandra
 * driver, whose plain and shaded variants would clash on the Spark job's classpath.
 */
final class CqlProbe {

  private static final byte VERSION_REQUEST = 0x04;
  private static final byte OP_ERROR = 0x00;
  private static final byte OP_STARTUP = 0x01;
  private static final byte OP_READY = 0x02;
  private static final byte OP_QUERY = 0x07;
  private static final byte OP_RESULT = 0x08;
  private static final int RESULT_ROWS = 0x0002;
  private static final short CONSISTENCY_ONE = 0x0001;

  private CqlProbe() {}

  /** Runs {@code SELECT release_version FROM system.local} and returns the node's version. */
  static String releaseVersion(String host, int port, int timeoutMs) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());

      ByteBuffer startup = ByteBuffer.allocate(64);
      startup.putShort((short) 1);
      putString(startup, "CQL_VERSION");
      putString(startup, "3.0.0");
      send(out, OP_STARTUP, startup);
      expect(OP_READY, receive(in));

      byte[] query = "SELECT release_version FROM system.local".getBytes(StandardCharsets.UTF_8);
      ByteBuffer body = ByteBuffer.allocate(4 + query.length + 2 + 1);
      body.putInt(query.length).put(query).putShort(CONSISTENCY_ONE).put((byte) 0);
      send(out, OP_QUERY, body);
      return firstCell(expect(OP_RESULT, receive(in)));
    }
  }

  private static void send(DataOutputStream out, byte opcode, ByteBuffer body) throws IOException {
    body.flip();
    out.writeByte(VERSION_REQUEST);
    out.writeByte(0);
    out.writeShort(1);
    out.writeByte(opcode);
    out.writeInt(body.remaining());
    out.write(body.array(), 0, body.remaining());
    out.flush();
  }

  private record Frame(byte opcode, ByteBuffer body) {}

  private static Frame receive(DataInputStream in) throws IOException {
    in.readByte();
    in.readByte();
    in.readShort();
    byte opcode = in.readByte();
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    return new Frame(opcode, ByteBuffer.wrap(body));
  }

  private static ByteBuffer expect(byte opcode, Frame frame) throws IOException {
    if (frame.opcode() == OP_ERROR) {
      int code = frame.body().getInt();
      throw new IOException(
          "CQL error 0x" + Integer.toHexString(code) + ": " + getString(frame.body()));
    }
    if (frame.opcode() != opcode) {
      throw new IOException("expected CQL opcode " + opcode + " but got " + frame.opcode());
    }
    return frame.body();
  }

  /** Reads a ROWS result down to its first cell, as text. */
  private static String firstCell(ByteBuffer result) throws IOException {
    int kind = result.getInt();
    if (kind != RESULT_ROWS) {
      throw new IOException("expected a ROWS result, got kind " + kind);
    }
    int flags = result.getInt();
    int columns = result.getInt();
    if ((flags & 0x0002) != 0) {
      result.position(result.position() + Math.max(0, result.getInt()));
    }
    if ((flags & 0x0004) == 0) {
      boolean globalTableSpec = (flags & 0x0001) != 0;
      if (globalTableSpec) {
        getString(result);
        getString(result);
      }
      for (int i = 0; i < columns; i++) {
        if (!globalTableSpec) {
          getString(result);
          getString(result);
        }
        getString(result);
        short type = result.getShort();
        if (type == 0x0000) {
          getString(result);
        } else if (type >= 0x0020) {
          throw new IOException("unexpected column type 0x" + Integer.toHexString(type));
        }
      }
    }
    if (result.getInt() < 1) {
      throw new IOException("system.local returned no row");
    }
    int length = result.getInt();
    if (length < 0) {
      throw new IOException("system.local has no release_version");
    }
    byte[] cell = new byte[length];
    result.get(cell);
    return new String(cell, StandardCharsets.UTF_8);
  }

  private static void putString(ByteBuffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.putShort((short) bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getShort() & 0xFFFF];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
