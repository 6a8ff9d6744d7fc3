package dev.insight.streaming.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Build step run right after the CRD generator: puts the generated CRD's printer columns in the
 * order they are declared on {@link StreamingPipeline} (the generator sorts them by JSON path,
 * which would make {@code kubectl get sp} start with Age). Only that list is touched; the rest of
 * the file stays as generated.
 */
public final class PrinterColumnOrder {

  private static final Pattern LIST_START =
      Pattern.compile("^(\\s*)(- )?additionalPrinterColumns:\\s*$");
  private static final Pattern ITEM_NAME = Pattern.compile("^\\s*name:\\s*\"?([^\"]+)\"?\\s*$");

  private PrinterColumnOrder() {}

  /** Rewrites every {@code *.yml} CRD in the folder given as the only argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: PrinterColumnOrder <folder of generated CRDs>");
    }
    List<String> order =
        Arrays.stream(StreamingPipeline.class.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    try (Stream<Path> files = Files.list(Path.of(args[0]))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String ordered = reorder(text, order);
        if (!ordered.equals(text)) {
          Files.writeString(file, ordered, StandardCharsets.UTF_8);
        }
      }
    }
  }

  /**
   * The same YAML text with each printer-column list ordered by {@code order} (unknown names keep
   * their place last).
   */
  static String reorder(String yaml, List<String> order) {
    List<String> lines = List.of(yaml.split("\n", -1));
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      out.add(line);
      i++;
      Matcher start = LIST_START.matcher(line);
      if (!start.matches()) {
        continue;
      }
      // Items are the following lines indented deeper than the key; each starts with "- " at the
      // item indent.
      int keyIndent = start.group(1).length() + (start.group(2) == null ? 0 : 2);
      List<List<String>> items = new ArrayList<>();
      while (i < lines.size()
          && indent(lines.get(i)) >= keyIndent
          && !lines.get(i).isBlank()
          && (indent(lines.get(i)) > keyIndent || lines.get(i).trim().startsWith("- "))) {
        if (lines.get(i).trim().startsWith("- ")
            && (items.isEmpty() || indent(lines.get(i)) == itemIndent(items))) {
          items.add(new ArrayList<>());
        }
        items.get(items.size() - 1).add(lines.get(i));
        i++;
      }
      items.sort((a, b) -> Integer.compare(rank(a, order), rank(b, order)));
      items.forEach(out::addAll);
    }
    return String.join("\n", out);
  }

  private static int itemIndent(List<List<String>> items) {
    return indent(items.get(0).get(0));
  }

  private static int rank(List<String> item, List<String> order) {
    for (String line : item) {
      Matcher name = ITEM_NAME.matcher(line.replaceFirst("^(\\s*)- ", "$1  "));
      if (name.matches()) {
        int at = order.indexOf(name.group(1).trim());
        return at < 0 ? order.size() : at;
      }
    }
    return order.size();
  }

  private static int indent(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}
