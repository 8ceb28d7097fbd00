package io.leaverwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the detection job form a DAG: the entry point on top, the wiring of each mode
 * below it, the topology and its operators below those. A cycle (the streaming wiring calling back
 * into the package of the entry point that calls it) fails here, naming the files that make each
 * edge.
 */
class PackageDependenciesTest {
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  // an import or a qualified use of a class (upper-case initial) of a package of the job
  private static final Pattern REFERENCE =
      Pattern.compile("\\bio\\.leaverwatch\\.jobs((?:\\.[a-z]\\w*)*)\\.[A-Z]");

  @Test
  void theJobsPackagesFormADag() {
    Map<String, Map<String, Set<String>>> graph = graph(sources(Path.of("src/main/java")));
    assertThat(graph).as("the job's packages were found").containsKey("io.leaverwatch.jobs");
    Optional<List<String>> cycle = cycle(graph);
    assertThat(cycle)
        .as("a package cycle: %s", cycle.map(c -> describe(c, graph)).orElse("none"))
        .isEmpty();
  }

  @Test
  void theCheckFindsACycleThroughAQualifiedName() {
    Map<String, String> files =
        Map.of(
            "a/Main.java",
            "package io.leaverwatch.jobs;\nimport io.leaverwatch.jobs.pipeline.Wiring;\n",
            "a/pipeline/Wiring.java",
            "package io.leaverwatch.jobs.pipeline;\nclass Wiring { Object o ="
                + " io.leaverwatch.jobs.Main.topology(); }\n",
            "a/sink/Sink.java",
            "package io.leaverwatch.jobs.sink;\n");
    Map<String, Map<String, Set<String>>> graph = graph(files);
    assertThat(cycle(graph))
        .contains(List.of("io.leaverwatch.jobs", "io.leaverwatch.jobs.pipeline"));
    assertThat(describe(cycle(graph).orElseThrow(), graph))
        .contains("a/Main.java", "a/pipeline/Wiring.java");
  }

  /** File name → source text of every Java file under {@code root}. */
  private static Map<String, String> sources(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        out.put(root.relativize(f).toString(), Files.readString(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Package → package it uses → the files that use it. */
  private static Map<String, Map<String, Set<String>>> graph(Map<String, String> files) {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    files.forEach(
        (file, text) -> {
          Matcher p = PACKAGE.matcher(text);
          if (!p.find()) {
            return;
          }
          String from = p.group(1);
          Map<String, Set<String>> edges = graph.computeIfAbsent(from, k -> new TreeMap<>());
          Matcher m = REFERENCE.matcher(text);
          while (m.find()) {
            String to = "io.leaverwatch.jobs" + m.group(1);
            if (!to.equals(from)) {
              edges.computeIfAbsent(to, k -> new TreeSet<>()).add(file);
            }
          }
        });
    return graph;
  }

  /** The packages of one cycle, in order, if there is one. */
  private static Optional<List<String>> cycle(Map<String, Map<String, Set<String>>> graph) {
    Map<String, Integer> mark = new TreeMap<>(); // 1 on the current path, 2 done
    for (String start : graph.keySet()) {
      List<String> path = new ArrayList<>();
      Optional<List<String>> found = visit(start, graph, mark, path);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<List<String>> visit(
      String node,
      Map<String, Map<String, Set<String>>> graph,
      Map<String, Integer> mark,
      List<String> path) {
    Integer m = mark.get(node);
    if (m != null && m == 2) {
      return Optional.empty();
    }
    if (m != null && m == 1) {
      return Optional.of(List.copyOf(path.subList(path.indexOf(node), path.size())));
    }
    mark.put(node, 1);
    path.add(node);
    for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
      Optional<List<String>> found = visit(next, graph, mark, path);
      if (found.isPresent()) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    mark.put(node, 2);
    return Optional.empty();
  }

  private static String describe(List<String> cycle, Map<String, Map<String, Set<String>>> graph) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cycle.size(); i++) {
      String from = cycle.get(i);
      String to = cycle.get((i + 1) % cycle.size());
      b.append(from).append(" -> ").append(to).append(" (").append(graph.get(from).get(to));
      b.append(") ");
    }
    return b.toString().trim();
  }
}
