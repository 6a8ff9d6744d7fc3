package dev.insight.streaming.local.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files holding credentials (a kubeconfig's key, a manifest's Secrets): readable by their owner.
 */
public final class OwnerOnlyFile {

  private OwnerOnlyFile() {}

  /**
   * Replaces {@code file} with {@code text}, mode 0600 from its creation on, creating its folder.
   *
   * @throws LocalClusterException naming the file and the reason
   */
  public static Path write(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new LocalClusterException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
